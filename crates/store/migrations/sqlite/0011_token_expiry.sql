-- Personal access tokens may expire (tokens made before this have no end).
ALTER TABLE access_tokens ADD COLUMN expires_at TEXT;
