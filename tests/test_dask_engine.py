"""The Dask engine (issue 12): a run on a LocalCluster gives the outputs of a local run.

The pipeline is the entity ruler of test_corpus (hand-placed entities) with entitykit's real
mention and resolver components; the corpus is the fixture corpus with one bad document of
each kind (``conftest.bad_corpus``). Skipped when Dask is not installed (``entitykit[dask]``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import entitykit
from entitykit.corpus import run_corpus
from entitykit.dask_engine import plan_partitions
from entitykit.errors import CorpusFormatError, InputError, MissingDependencyError
from entitykit.inputs import check_inputs

from conftest import assert_one_line_error, bad_corpus, outliving  # noqa: E402
from test_corpus import ALIASES, INPUTS, rule_pipeline  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def dask_installed() -> bool:
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


needs_dask = pytest.mark.skipif(not dask_installed(), reason="the Dask engine needs dask: pip install 'entitykit[dask]'")


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    return rule_pipeline(tmp_path_factory.mktemp("model") / "de_rules")


@pytest.fixture(scope="module")
def client():
    if not dask_installed():
        pytest.skip("the Dask engine needs dask: pip install 'entitykit[dask]'")
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    with Client(cluster) as client:
        yield client
    cluster.close()


def outputs(out: Path) -> dict[str, list[dict]]:
    return {name: [json.loads(line) for line in (out / name).read_text(encoding="utf-8").splitlines()]
            for name in ("mentions.jsonl", "entities.jsonl", "errors.jsonl")}


@needs_dask
def test_a_dask_run_gives_the_outputs_of_a_local_run(tmp_path, model_path, client):
    inputs = bad_corpus(tmp_path) + [INPUTS[-1]]  # a folder of .txt, JSONL, CSV
    options = dict(model=model_path, aliases=[ALIASES], default_aliases=False, progress=False, batch_size=2)
    local = run_corpus(inputs, tmp_path / "local", **options)
    dask = run_corpus(inputs, tmp_path / "dask", engine="dask", client=client, partitions=5, **options)
    assert (dask.documents, dask.mentions, dask.entities, dask.errors) == (local.documents, local.mentions, local.entities, local.errors)
    assert local.errors >= 6 and local.entities > 3
    got, expected = outputs(tmp_path / "dask"), outputs(tmp_path / "local")
    assert [(m["doc_id"], m["start_char"], m["end_char"], m["entity_id"]) for m in got["mentions.jsonl"]] == [
        (m["doc_id"], m["start_char"], m["end_char"], m["entity_id"]) for m in expected["mentions.jsonl"]]
    assert got == expected  # every column: counts and variants of entities, the errors
    for name in ("mentions.jsonl", "entities.jsonl", "errors.jsonl"):  # byte for byte
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    report = json.loads((tmp_path / "dask" / "run.json").read_text(encoding="utf-8"))
    assert report["options"]["engine"] == "dask" and report["counts"]["documents"] == local.documents
    assert not (tmp_path / "dask" / ".entitykit-run").exists()


@needs_dask
def test_a_dask_run_ships_a_given_pipeline_to_the_workers(tmp_path, model_path, client):
    nlp = entitykit.load(model_path, aliases=[ALIASES], default_aliases=False)
    inputs = INPUTS
    local = run_corpus(inputs, tmp_path / "local", nlp=nlp, progress=False)
    dask = run_corpus(inputs, tmp_path / "dask", nlp=nlp, progress=False, engine="dask", client=client, partitions=3)
    assert dask.mentions == local.mentions > 0
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")


@needs_dask
def test_a_dask_run_goes_to_the_scheduler_it_is_given(tmp_path, model_path, client):
    options = dict(model=model_path, aliases=[ALIASES], default_aliases=False, progress=False)
    local = run_corpus(INPUTS, tmp_path / "local", **options)
    dask = run_corpus(INPUTS, tmp_path / "dask", engine="dask", scheduler=client.scheduler.address, **options)
    assert dask.documents == local.documents and outputs(tmp_path / "dask") == outputs(tmp_path / "local")


@needs_dask
def test_strict_stops_a_dask_run_at_the_first_bad_document(tmp_path, model_path, client):
    with pytest.raises(CorpusFormatError, match=r"binary.txt: binary file .*\(--strict: stopped; \d+ documents done before it\)"):
        run_corpus(bad_corpus(tmp_path), tmp_path / "out", model=model_path, aliases=[ALIASES], default_aliases=False,
                   progress=False, strict=True, engine="dask", client=client)
    assert not (tmp_path / "out" / "mentions.jsonl").exists()


def test_partitions_cut_inputs_into_record_ranges_in_input_order(tmp_path):
    sources = check_inputs(bad_corpus(tmp_path))
    planned = plan_partitions(sources, 4, text_key="text", max_chars=1_000_000)
    assert [partition.first for partition in planned] == sorted(partition.first for partition in planned)
    assert {partition.source for partition in planned} == set(sources)
    for partition, following in zip(planned, planned[1:]):  # ranges follow each other, the last of an input is open
        if following.source == partition.source:
            assert partition.skip + partition.count == following.skip
        else:
            assert partition.count is None and following.skip == 0


@pytest.mark.parametrize("options, message", [
    ({"engine": "spark"}, "the engine must be 'local' or 'dask', got 'spark'"),
    ({"partitions": 3}, "options of the Dask engine: add engine='dask'"),
])
def test_engine_options_are_checked_first(tmp_path, options, message):
    with pytest.raises(InputError, match=message):
        run_corpus(INPUTS, tmp_path / "out", progress=False, **options)
    assert not (tmp_path / "out").exists()


def test_the_dask_engine_without_dask_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)  # import dask raises ImportError
    with pytest.raises(MissingDependencyError, match=r"^the Dask engine needs dask: pip install 'entitykit\[dask\]'$"):
        run_corpus(INPUTS, tmp_path / "out", progress=False, engine="dask")


def test_a_local_run_never_imports_dask(tmp_path, model_path):
    script = (
        "import sys, entitykit.corpus as c\n"
        f"c.run_corpus({INPUTS!r}, {str(tmp_path / 'out')!r}, model={str(model_path)!r}, "
        f"aliases=[{str(ALIASES)!r}], default_aliases=False, progress=False)\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('dask', 'distributed')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")})
    assert done.stdout.strip() == "[]"


@needs_dask
def test_entitykit_run_engine_dask_writes_what_a_local_run_writes(tmp_path, model_path, cli):
    common = [*INPUTS, "--model", model_path, "--no-aliases", "--aliases", ALIASES, "--quiet"]
    assert cli("run", *common, "--out", tmp_path / "local").exit_code == 0
    done = cli("run", *common, "--out", tmp_path / "dask", "--engine", "dask", "--processes", 2, "--partitions", 3)
    assert done.exit_code == 0, done.stderr
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")


@pytest.mark.parametrize("args, code, message", [
    (["--engine", "dask"], 1, "the Dask engine needs dask: pip install 'entitykit[dask]'"),
    (["--scheduler", "tcp://127.0.0.1:8786"], 2, "options of the Dask engine: add engine='dask' (--engine dask)"),
    (["--engine", "spark"], 2, "the engine must be 'local' or 'dask', got 'spark'"),
])
def test_entitykit_run_says_in_one_line_what_is_wrong_with_the_engine(tmp_path, cli, monkeypatch, args, code, message):
    monkeypatch.setitem(sys.modules, "dask", None)
    done = cli("run", *INPUTS, "--out", tmp_path / "out", *args)
    assert done.exit_code == code
    assert_one_line_error(done.stderr, message)


def test_a_resumed_run_plans_partitions_over_the_records_left(tmp_path):
    sources = check_inputs(bad_corpus(tmp_path))  # 7 files in txt/, 8 records in news.jsonl
    planned = plan_partitions(sources, 2, text_key="text", max_chars=1_000_000, done=9)
    assert [(partition.source.kind, partition.skip, partition.count, partition.first) for partition in planned] == [
        ("jsonl", 2, 3, 9), ("jsonl", 5, None, 12)]


@needs_dask
def test_an_interrupted_dask_run_resumes_to_identical_outputs(tmp_path, model_path, client, monkeypatch):
    from entitykit.runstate import RunState

    inputs = bad_corpus(tmp_path) + [INPUTS[-1]]
    options = dict(model=model_path, aliases=[ALIASES], default_aliases=False, progress=False, engine="dask", client=client)
    whole = run_corpus(inputs, tmp_path / "whole", partitions=4, **options)
    absorb, added = RunState.absorb, []

    def absorb_two(state, part):  # the client dies after adding two partitions
        if len(added) == 2:
            raise KeyboardInterrupt
        absorb(state, part)
        added.append(part)

    monkeypatch.setattr(RunState, "absorb", absorb_two)
    with pytest.raises(KeyboardInterrupt):
        run_corpus(inputs, tmp_path / "out", partitions=5, **options)
    monkeypatch.setattr(RunState, "absorb", absorb)
    resumed = run_corpus(inputs, tmp_path / "out", partitions=3, **options)  # other cuts: the same outputs
    assert resumed.resumed_at == added[-1].ordinals > 0
    assert resumed.documents == whole.documents
    assert outputs(tmp_path / "out") == outputs(tmp_path / "whole")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Dask starts its workers from other threads than the main one)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return children + [below for child in children for below in descendants(child)]


@needs_dask
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="looks up the cluster's processes in /proc")
def test_a_dask_run_killed_with_sigkill_resumes_to_identical_outputs_and_leaves_no_workers(tmp_path, model_path):
    # subprocesses: SIGKILL needs a real process, and the resumed run is the same command typed again
    import os
    import signal
    import time

    from test_run_cli import big_corpus, command

    inputs = big_corpus(tmp_path, 1500)
    local, out = tmp_path / "local", tmp_path / "out"
    options = ["--no-aliases", "--aliases", str(ALIASES), "--quiet"]
    assert subprocess.run(command(*inputs, "--out", str(local), *options, model=str(model_path)), timeout=300).returncode == 0
    dask = command(*inputs, "--out", str(out), *options, "--engine", "dask", "--processes", "2", "--partitions", "30",
                   model=str(model_path))
    process = subprocess.Popen(dask, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    checkpoint = out / ".entitykit-run" / "checkpoint.json"
    deadline, saved, cluster = time.monotonic() + 240, {"ordinals": 0}, []
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        if checkpoint.is_file():
            saved = json.loads(checkpoint.read_text(encoding="utf-8"))
            if saved["ordinals"] > 0:
                cluster = descendants(process.pid)
                break
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert 0 < saved["ordinals"] < 1500 and len(cluster) >= 2 and not (out / "mentions.jsonl").exists()
    assert not outliving(cluster, 30), "the Dask workers outlived their client"

    assert subprocess.run(dask, timeout=300).returncode == 0
    assert outputs(out) == outputs(local)
    # a partition may have been added between reading the checkpoint and the kill
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["timings"]["resumed_at_record"] >= saved["ordinals"]


@needs_dask
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a worker kills itself with SIGKILL")
def test_a_worker_killed_mid_partition_is_retried_without_doubled_or_missing_rows(tmp_path, model_path):
    # a cluster of its own: the cluster may give up the dead worker's place (a slow restart)
    from distributed import Client, LocalCluster

    import dask_faults

    names = ["Alexander Lukaschenko", "Wolfowutsch", "Imangali Tasmagambetow", "OVKS", "Moskau", "Wolfowitsch"]
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(
        json.dumps({"id": f"n{number}", "text": f"{names[number % 6]} sprach mit {names[(number + 1) % 6]} in Minsk."}) + "\n"
        for number in range(12)), encoding="utf-8")
    options = dict(model=model_path, aliases=[ALIASES], default_aliases=False, progress=False)
    local = run_corpus([corpus], tmp_path / "local", **options)
    marker = tmp_path / "killed"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        workers = client.run(dask_faults.die_once_at, "n4", str(marker))  # n0-n5 are the first partition
        dask = run_corpus([corpus], tmp_path / "dask", engine="dask", client=client, partitions=2, **options)
    killed = int(marker.read_text(encoding="ascii"))
    assert killed in workers.values() and not outliving([killed], 10), "no worker died mid-partition"
    assert (dask.documents, dask.mentions) == (local.documents, local.mentions) == (12, 36)
    assert [m["doc_id"] for m in outputs(tmp_path / "dask")["mentions.jsonl"]] == [f"n{n}" for n in range(12) for _ in range(3)]
    for name in ("mentions.jsonl", "entities.jsonl", "errors.jsonl"):  # byte for byte
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_each_attempt_at_a_partition_writes_part_files_of_its_own(tmp_path, model_path):
    # a retry must never write into the files of an attempt that died or is still running
    from entitykit.dask_engine import run_partition

    sources = check_inputs([INPUTS[1]])
    partition = plan_partitions(sources, 1, text_key="text", max_chars=1_000_000)[0]
    spec = ("entitykit", str(model_path), (str(ALIASES),), False, 1_000_000)
    options = {"text_key": "text", "id_key": "id", "max_chars": 1_000_000, "batch_size": 2}
    first = run_partition(partition, spec, str(tmp_path), options)
    written = first.mentions_path.read_bytes()
    second = run_partition(partition, spec, str(tmp_path), options)
    assert first.work != second.work and first.mentions > 0
    assert first.mentions_path.read_bytes() == written == second.mentions_path.read_bytes()


@needs_dask
def test_the_client_of_a_dask_run_never_loads_the_pipeline(tmp_path, model_path, client, monkeypatch):
    import entitykit.pipeline

    options = dict(model=model_path, aliases=[ALIASES], default_aliases=False, progress=False)
    run_corpus(INPUTS, tmp_path / "local", **options)

    def refuse(*args, **kwargs):
        raise AssertionError("the client loaded the pipeline")

    monkeypatch.setattr(entitykit.pipeline, "load", refuse)  # in this process only, not on the workers
    run_corpus(INPUTS, tmp_path / "dask", engine="dask", client=client, partitions=3, **options)
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
    local, dask = (json.loads((tmp_path / name / "run.json").read_text(encoding="utf-8")) for name in ("local", "dask"))
    assert dask["model"] == local["model"] and dask["registry"] == local["registry"]  # told by a worker
    assert local["registry"]["entities"] > 0 and local["model"]["pipeline"][-1] == "entitykit_resolver"
