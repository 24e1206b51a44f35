-- per URL of a report or attachment: when we first and last saw it and when its bytes last
-- changed; a report edited or back-dated after publication shows up as versions_cnt > 1

with fetches as (

    select * from {{ ref('stg_raw__fetches') }}
    where fetch_role in ('report', 'attachment')

),

seen as (

    select *
    from fetches
    where outcome in ('landed', 'not_modified') and sha256 is not null

),

versions as (

    select
        requested_url,
        sha256,
        fetched_at,
        lag(sha256) over (partition by requested_url order by fetched_at, fetch_id) as previous_sha256
    from seen

),

changes as (

    select
        requested_url,
        max(fetched_at) filter (where previous_sha256 is not null and previous_sha256 <> sha256) as last_changed_at,
        count(distinct sha256) as versions_cnt
    from versions
    group by requested_url

),

attempts as (

    select
        requested_url,
        any_value(portal_id) as portal_id,
        any_value(fetch_role) as fetch_role,
        min(fetched_at) filter (where outcome <> 'failed') as first_seen_at,
        max(fetched_at) filter (where outcome <> 'failed') as last_seen_at,
        arg_max(sha256, fetched_at) filter (where outcome <> 'failed') as current_sha256,
        count(*) as fetches_cnt,
        count(*) filter (where outcome = 'failed') as failures_cnt,
        arg_max(failure_reason, fetched_at) filter (where outcome = 'failed') as last_failure_reason,
        max(fetched_at) as last_attempt_at,
        arg_max(outcome, fetched_at) as last_outcome
    from fetches
    group by requested_url

),

final as (

    select
        attempts.requested_url as url,
        attempts.portal_id,
        attempts.fetch_role,
        attempts.first_seen_at,
        attempts.last_seen_at,
        changes.last_changed_at,
        coalesce(changes.versions_cnt, 0) as versions_cnt,
        attempts.current_sha256,
        attempts.fetches_cnt,
        attempts.failures_cnt,
        attempts.last_failure_reason,
        attempts.last_attempt_at,
        attempts.last_outcome
    from attempts
    left join changes using (requested_url)

)

select * from final
