-- The quality loop's settings, pinned per session when it starts (threshold and answers per
-- topic), so a configuration change does not change the rules of sessions in progress. Null in
-- sessions stored before: the orchestrator's configured settings apply to them.
alter table sessions
  add column quality_threshold double precision,
  add column quality_max_attempts integer;
