-- migrate:up
create table feature_flags (
  key text primary key check (key ~ '^[a-z][a-z0-9_]*$'),
  enabled boolean not null,
  description text not null default '',
  updated_at timestamptz not null default now()
);

insert into feature_flags (key, enabled, description)
values ('payments', true, 'Accept payments; off turns every provider''s start call into 503');

-- migrate:down
drop table feature_flags;
