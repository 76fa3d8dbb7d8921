-- 0006: route approval. routes_json stays what a node advertises; approved_routes_json is the part an admin (or the
-- cluster's auto-approve prefixes) approved, and only it reaches configs and certificates. Routes advertised before this
-- migration were live, so they stay approved, except a default route, which only an explicit approval may enable.
ALTER TABLE nodes ADD COLUMN approved_routes_json TEXT NOT NULL DEFAULT '[]';
UPDATE nodes SET approved_routes_json = (SELECT json_group_array(value) FROM json_each(nodes.routes_json) WHERE value NOT LIKE '%/0');
ALTER TABLE clusters ADD COLUMN route_auto_approve_json TEXT NOT NULL DEFAULT '[]';
