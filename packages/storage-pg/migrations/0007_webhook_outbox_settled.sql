-- What `sweep` prunes: delivered and failed messages by the time they settled (their last
-- attempt), so the sweep reads only the old ones. Pending messages are not in it.
create index webhook_outbox_settled_idx on webhook_outbox (settled_at) where status <> 'pending';
