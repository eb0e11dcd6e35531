-- Example tcp_mgm rules for config/examples/tcp_mgm.cfg (socket tcp:127.0.0.1:5060).
-- Connections from/to 127.0.0.0/8: 1 h lifetime, keepalive probes after 60 s idle.
INSERT INTO tcp_mgm (id, proto, remote_addr, con_lifetime, keepidle, keepinterval, keepcount)
    VALUES (1, 'tcp', '127.0.0.0/8', 3600, 60, 10, 3);
-- A trusted peer on port 5070: aliases always (RFC 5923), larger chunk budget.
INSERT INTO tcp_mgm (id, proto, remote_addr, remote_port, alias_mode, attrs)
    VALUES (2, 'tcp', '127.0.0.1', 5070, 2, 'max_msg_chunks=16');
-- Everything else over TCP to our 127.0.0.1:5060 socket: short idle lifetime.
INSERT INTO tcp_mgm (id, proto, local_addr, local_port, priority, con_lifetime)
    VALUES (3, 'any', '127.0.0.1', 5060, 10, 30);
