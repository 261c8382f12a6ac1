"""
The bench's per-request cost accounting (bench.accounting): parsing /proc, the workers' counter records,
deltas between two snapshots and the ratios to the trivial view. Pure functions: no timing is asserted.
"""

import os

import pytest

from bench import accounting
from bench.data import FULL_SIZES, scaled_sizes
from bench.run import page_verdict, summarise


def test_schedstat_gives_the_time_on_the_cpu_in_seconds():
    assert accounting.cpu_seconds_from_schedstat("1500000000 42 7\n") == 1.5


def test_stat_adds_user_and_system_ticks_even_when_the_command_name_holds_spaces_and_parentheses():
    fields_after_name = ["S"] + ["0"] * 10 + ["250", "50"] + ["0"] * 30
    text = "1234 (gunicorn: worker (a b)) " + " ".join(fields_after_name)
    assert accounting.cpu_seconds_from_stat(text, 100) == 3.0


def test_process_cpu_falls_back_to_stat_and_answers_none_for_a_gone_process(tmp_path):
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "stat").write_text("7 (postgres) " + " ".join(["S"] + ["0"] * 10 + ["100", "0"] + ["0"] * 30))
    (tmp_path / "8").mkdir()
    (tmp_path / "8" / "schedstat").write_text("250000000 0 1\n")
    assert accounting.process_cpu_seconds(8, tmp_path) == 0.25
    assert accounting.process_cpu_seconds(7, tmp_path) > 0
    assert accounting.process_cpu_seconds(9, tmp_path) is None


def test_a_workers_counter_file_reads_back_what_it_wrote(tmp_path):
    (tmp_path / "101.counter").write_bytes(accounting.encode_counter(40, 2_500_000_000))
    (tmp_path / "102.counter").write_bytes(b"")
    (tmp_path / "other.txt").write_text("not a counter")
    assert accounting.read_counters(tmp_path) == {101: (40, 2.5)}


def test_counters_delta_counts_a_restarted_worker_from_zero_and_leaves_a_vanished_one_out():
    before = {1: (100, 10.0), 2: (50, 5.0)}
    after = {1: (130, 13.0), 3: (20, 1.0)}
    assert accounting.counters_delta(before, after) == (50, 4.0)


def test_cpu_delta_counts_a_new_backend_from_zero():
    assert accounting.cpu_delta({10: 1.0, 11: 2.0}, {10: 1.5, 11: 2.0, 12: 0.25}) == 0.75


def test_backends_out_of_sight_give_no_database_figure_rather_than_part_of_one(tmp_path):
    (tmp_path / "5").mkdir()
    (tmp_path / "5" / "schedstat").write_text("1000000000 0 1\n")
    assert accounting.backends_cpu_or_none([5], tmp_path) == {5: 1.0}
    assert accounting.backends_cpu_or_none([5, 6], tmp_path) is None
    assert accounting.backends_cpu_or_none([], tmp_path) == {}


def test_run_cost_divides_each_cpu_time_by_the_requests_the_server_finished():
    before = {"workers": {1: (10, 1.0)}, "db": {20: 0.5}}
    after = {"workers": {1: (60, 2.0)}, "db": {20: 0.75}}
    figures = accounting.run_cost(before, after)
    assert figures["requests"] == 50
    assert figures["cpu_ms"] == pytest.approx(20.0)
    assert figures["db_ms"] == pytest.approx(5.0)


def test_run_cost_has_no_database_figure_when_the_backends_were_out_of_sight():
    before = {"workers": {1: (0, 0.0)}, "db": None}
    after = {"workers": {1: (4, 0.004)}, "db": {20: 1.0}}
    assert accounting.run_cost(before, after)["db_ms"] is None


def test_nothing_served_gives_no_figure_instead_of_dividing_by_zero():
    assert accounting.cost(requests=0, web_cpu_s=0.0, db_cpu_s=0.0) == {"requests": 0, "cpu_ms": None, "db_ms": None}


def test_both_ratios_are_taken_against_the_trivial_views_web_cpu():
    page = {"cpu_ms": 12.0, "db_ms": 3.0}
    trivial = {"cpu_ms": 1.5, "db_ms": 0.0}
    assert accounting.cost_ratios(page, trivial) == {"cpu_ratio": 8.0, "db_ratio": 2.0}
    assert accounting.cost_ratios({"cpu_ms": 12.0, "db_ms": None}, {"cpu_ms": None, "db_ms": None}) == {
        "cpu_ratio": None,
        "db_ratio": None,
    }


def test_the_median_of_the_rounds_is_none_when_a_round_missed_the_figure():
    assert accounting.median_or_none([3.0, 1.0, 2.0]) == 2.0
    assert accounting.median_or_none([3.0, None, 2.0]) is None


def test_summarise_takes_the_median_of_every_figure_of_the_rounds():
    rounds = [
        {
            "median_ms": m,
            "p95_ms": m * 2,
            "trivial_ms": 1.0,
            "ratio": m,
            "cpu_ms": m / 2,
            "db_ms": None if m == 9 else 1.0,
            "trivial_cpu_ms": 0.5,
            "trivial_db_ms": 0.0,
            "cpu_ratio": m,
            "db_ratio": 2.0,
        }
        for m in (4.0, 6.0, 9)
    ]
    figures = summarise(rounds)
    assert figures["median_ms"] == 6.0 and figures["cpu_ms"] == 3.0 and figures["trivial_cpu_ms"] == 0.5
    assert figures["db_ms"] is None


def test_a_page_is_missed_when_its_cpu_ratio_is_over_the_target_even_if_the_clock_says_met():
    met = {"ratio": 10.0, "cpu_ratio": 11.0, "queries": 8}
    assert page_verdict(met)
    assert not page_verdict({**met, "cpu_ratio": 40.0})
    assert page_verdict({**met, "cpu_ratio": None})
    assert not page_verdict({**met, "queries": 40})


def test_bench_scale_shrinks_the_big_tables_and_keeps_departments_leaders_and_days():
    sizes = scaled_sizes(0.01)
    assert sizes["feedback"] == 10_000 and sizes["allies"] == 200
    assert sizes["departments"] == FULL_SIZES["departments"] and sizes["leaders"] == 500
    assert sizes["days"] == FULL_SIZES["days"]
    assert scaled_sizes(1) == FULL_SIZES
    with pytest.raises(ValueError):
        scaled_sizes(0)


def test_the_gunicorn_hooks_write_each_workers_requests_and_cpu_time_since_its_first_request(tmp_path, monkeypatch):
    from bench import gunicorn_conf

    monkeypatch.setenv("BENCH_COUNTERS", str(tmp_path))
    monkeypatch.setattr(gunicorn_conf, "_worker", {"pid": None, "fd": None, "served": 0, "cpu_start_ns": 0})
    for _ in range(3):
        gunicorn_conf.pre_request(None, None)
        gunicorn_conf.post_request(None, None, {}, None)
    os.close(gunicorn_conf._worker["fd"])
    [(pid, (served, cpu_seconds))] = accounting.read_counters(tmp_path).items()
    assert pid == os.getpid() and served == 3 and cpu_seconds >= 0
