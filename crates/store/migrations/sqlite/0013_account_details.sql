-- Who an account belongs to and how to reach them, for accounts made in bulk by a province
-- and for the list an administrator searches; all optional.
ALTER TABLE users ADD COLUMN full_name TEXT;
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN phone TEXT;
