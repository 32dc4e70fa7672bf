-- API keys minted through the admin endpoints. Only the SHA-256 of a key is kept: the key itself
-- is shown once, when it is minted.
create table api_key (
    id          uuid        primary key,
    owner       text        not null,
    key_sha256  text        not null unique check (key_sha256 ~ '^[0-9a-f]{64}$'),
    created_at  timestamptz not null,
    revoked_at  timestamptz
);
create index api_key_owner_idx on api_key (owner);
