-- The calls of an imported session: kept for its usage and replay, but paid by whoever made
-- them, so they do not count in the importer's daily spending.
alter table llm_calls add column imported boolean not null default false;
