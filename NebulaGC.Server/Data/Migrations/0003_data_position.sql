-- 0003: a counter every committed write moves, replicated with the data. Comparing a replica's value with the master's
-- tells a failover tool whether the replica has caught up.
CREATE TABLE data_position (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    position  INTEGER NOT NULL
);
INSERT INTO data_position (id, position) VALUES (1, 0);
