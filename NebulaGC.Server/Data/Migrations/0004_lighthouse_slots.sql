-- 0004: each control-plane instance gets a slot in the overlay block reserved for control-plane lighthouses
-- (host offsets 1..15), assigned by the master when it first records the instance, so every instance's lighthouse has
-- a stable overlay address without writing the database itself.
ALTER TABLE replicas ADD COLUMN lighthouse_slot INTEGER;
CREATE UNIQUE INDEX replicas_by_lighthouse_slot ON replicas (lighthouse_slot) WHERE lighthouse_slot IS NOT NULL;
