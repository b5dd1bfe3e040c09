-- The actions panel reads step_durations_from_timestamps with FINAL too, and its months were in 2–7 parts
-- after a seed of 1M enrollments: merged into one part a month, the 30-day actions panel took ≈22 ms in
-- process instead of ≈28 (Asia/Kolkata's, which reads it twice: ≈45 instead of ≈52). As for the facts
-- (migration 016), the engine merges a month whose parts are all older than the age below, in the background.
-- A month holds ≈0.7M rows at 1M enrollments, and events of an earlier month arrive only late, so a longer age
-- than the facts' 10 s: a month that keeps receiving late events is rewritten at most once every 30 s.
ALTER TABLE step_durations_from_timestamps
    MODIFY SETTING min_age_to_force_merge_seconds = 30, min_age_to_force_merge_on_partition_only = 1;
