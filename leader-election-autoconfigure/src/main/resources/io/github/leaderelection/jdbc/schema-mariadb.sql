-- The lease table of the JDBC leader election store, for MariaDB and MySQL. Times are epoch milliseconds of the
-- database's clock; the application's clock never enters them. Run it from a migration (Flyway, Liquibase) or let
-- leader.election.jdbc.initialize-schema run it; with leader.election.jdbc.table-name, rename the table here too.
CREATE TABLE IF NOT EXISTS leader_election_lease (
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
) ENGINE=InnoDB;
-- Emptied by every start of the server (MEMORY engine): its marker tells a restart, or a restored backup, apart.
CREATE TABLE IF NOT EXISTS leader_election_lease_boot (
	id INT NOT NULL PRIMARY KEY,
	marker VARCHAR(64) NOT NULL
) ENGINE=MEMORY;
