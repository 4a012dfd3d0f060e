"""The figures of a load run: nearest-rank percentiles, rates, and what became of each write."""

from tests.load.report import PAGE, READ, WRITE, Outcome, Report, Write, percentile


def test_percentiles_are_nearest_rank():
    latencies = [float(n) for n in range(1, 101)]

    assert (percentile(latencies, 50), percentile(latencies, 99)) == (50.0, 99.0)
    assert percentile([0.3], 99) == 0.3
    assert percentile([], 50) == 0.0


def test_a_run_is_summed_up_per_kind_with_its_writes_counted():
    outcomes = [
        Outcome(READ, "GET /api/v1/rounds/", 200, 200, 0.010),
        Outcome(READ, "GET /api/v1/rounds/", 200, 200, 0.030),
        Outcome(PAGE, "GET /", 502, 200, 0.200),
        Outcome(WRITE, "POST /api/v1/rounds/", 201, 201, 0.100),
        Outcome(WRITE, "POST /api/v1/rounds/", None, 201, 30.0, "TimeoutError: timed out"),
    ]
    writes = [
        Write("rounds", "POST", "Load r 1-1", {}, status=201, id=7),
        Write("rounds", "POST", "Load r 1-2", {}, status=None),
    ]
    report = Report("r", "http://127.0.0.1:1", 2, 10.0, outcomes, writes, reconnects=0)

    summary = report.summary()

    assert summary["kinds"][READ] == {
        "requests": 2,
        "per_second": 0.2,
        "p50_ms": 10.0,
        "p99_ms": 30.0,
        "max_ms": 30.0,
        "statuses": {"200": 2},
    }
    assert summary["writes"] == {"sent": 2, "acknowledged": 1, "unanswered": 1}
    assert (summary["server_errors"], summary["connection_errors"], summary["unexpected"]) == (
        1,
        1,
        2,
    )
    assert [w.id for w in report.acknowledged] == [7]
