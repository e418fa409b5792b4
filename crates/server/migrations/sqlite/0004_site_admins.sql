-- Site admins: agents who may add and remove the site's agents and read its knowledge base's
-- check report.
ALTER TABLE agent_sites ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
