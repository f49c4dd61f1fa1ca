-- A migration of the application, as Flyway or Liquibase would run it: the H2 lease table under another name.
CREATE TABLE IF NOT EXISTS migrated_leases (
	role VARCHAR(200) NOT NULL PRIMARY KEY,
	holder VARCHAR(300),
	expires_at BIGINT,
	fencing_token BIGINT NOT NULL,
	version BIGINT NOT NULL,
	server VARCHAR(100) NOT NULL,
	quarantine_until BIGINT,
	quarantine_reason VARCHAR(40),
	instance_id VARCHAR(255),
	hostname VARCHAR(255),
	started_at BIGINT,
	acquired_at BIGINT,
	last_renewed_at BIGINT
);
