-- 0005: inbound firewall rules a cluster adds to the default (ICMP from any, all outbound) in every node's config.
ALTER TABLE clusters ADD COLUMN firewall_inbound_json TEXT NOT NULL DEFAULT '[]';
