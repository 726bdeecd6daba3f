"""The fast path (:mod:`conformance.fastpath`, structs derived from the models) against the full
path (decode, the pydantic models, the duplicate-member search): on every event either proves, the
verdict, the type, the errors and the unknown members must be the same.

Events of all 57 GA types, and of every dialect, are generated from the models' own JSON Schemas
(nulls wherever the models take them); invalid ones are made from them by the property family's
mutations and by others of our own (unknown members, integers written as floats, bad base64); each
is written out in several spellings (compact, spaced, ASCII-escaped, indented, colons escaped as
``\\u003a``, long enough for the long routes, with long base64 for the in-place check) and with a
member repeated somewhere (the repeat first, so that the decoded value is the same). Then the
hostile inputs: NaN, infinities, deep nesting, huge strings, invalid UTF-8, lone surrogates.

The batch path's loop in C (``conformance/_cbatch.c``) is held to the same: every proof it gives
stands for the full path's valid verdict, and ``validate``'s output through it is byte for byte the
Python loop's, on every corpus payload and on the generated and hostile runs.

The ci profile runs 25 examples per test (tox); ``pytest --hypothesis-profile=fuzz`` runs 1,000.
"""

from __future__ import annotations

import base64
import contextlib
import json
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance import batch, bulk, fastpath, generation, judge, judge_value
from conformance import verdict as verdicts
from conformance.families.properties import _mutate
from conformance.protocol import CLIENT_EVENT_MODELS, SERVER_EVENT_MODELS, dialects

pytestmark = pytest.mark.skipif(fastpath.tables() is None, reason="msgspec is not installed: there is no fast path to compare")

GA_MODELS = {**CLIENT_EVENT_MODELS, **SERVER_EVENT_MODELS}
GA_FULLY, GA_PARTLY = fastpath.covered("ga")
SPELLINGS = ("compact", "spaced", "ascii", "indented", "escaped-colons", "padded", "long-base64")
OTHER_DIALECTS = [name for name in dialects.NAMES if name != "ga"]
_QUIET = settings(suppress_health_check=list(HealthCheck), deadline=None)


# --- generating ----------------------------------------------------------------------------------


@cache
def _events(model: type) -> Any:
    """Valid events of one model, from its own JSON Schema (wider than the property family's,
    which leaves out the nulls no real server sends)."""
    schema = generation._shape(model.model_json_schema())
    return generation._Compiler(schema).build(schema)


def _string(text: str, *, ascii: bool, escape_colons: bool) -> str:
    out = json.dumps(text, ensure_ascii=ascii)
    return out.replace(":", "\\u003a") if escape_colons else out


def spell(value: Any, style: str, repeat: tuple[tuple[Any, ...], str, Any] | None = None) -> str:
    """``value`` as JSON text in one ``style``; ``repeat`` = (path of an object, member, decoy)
    writes the member twice there, the decoy first, so that the decoded value is unchanged."""
    ascii, escape, spaced = style == "ascii", style == "escaped-colons", style in ("spaced", "indented")
    pair, comma = (": ", ", ") if spaced else (":", ",")
    newline = "\n  " if style == "indented" else ""

    def write(item: Any, path: tuple[Any, ...]) -> str:
        if isinstance(item, dict):
            members = [f"{_string(key, ascii=ascii, escape_colons=escape)}{pair}{write(sub, (*path, key))}" for key, sub in item.items()]
            if repeat is not None and repeat[0] == path:
                members.insert(0, f"{_string(repeat[1], ascii=ascii, escape_colons=escape)}{pair}{write(repeat[2], (None,))}")
            return "{" + newline + (comma + newline).join(members) + "}"
        if isinstance(item, list):
            return "[" + comma.join(write(sub, (*path, index)) for index, sub in enumerate(item)) + "]"
        if isinstance(item, str):
            return _string(item, ascii=ascii, escape_colons=escape)
        return json.dumps(item)

    text = write(value, ())
    if style == "padded":
        text += " " * fastpath.LONG
    return text


def _long_base64(value: Any) -> Any:
    """``value`` with every base64-looking string long enough for the in-place check."""
    if isinstance(value, dict):
        return {key: (_LONG_AUDIO if key in ("audio", "delta") and isinstance(item, str) and _is_base64(item) else _long_base64(item))
                for key, item in value.items()}
    if isinstance(value, list):
        return [_long_base64(item) for item in value]
    return value


_LONG_AUDIO = base64.b64encode(bytes(range(256)) * 12).decode()


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except ValueError:
        return False
    return True


def _objects(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], dict]]:
    found = [(path, value)] if isinstance(value, dict) else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found.extend(_objects(item, (*path, key)))
    return found


def _more_mutations(event: dict, data: Any) -> dict:
    """Changes the property family does not make: an unknown member (at the top or below), an
    integer written as a float, base64 broken, a string made long."""
    mutant = json.loads(json.dumps(event))
    objects = _objects(mutant)
    path, target = data.draw(st.sampled_from(objects), label="object")
    kind = data.draw(st.sampled_from(["unknown-member", "float-integer", "bad-base64", "long-string"]), label="change")
    if kind == "unknown-member":
        target[data.draw(st.sampled_from(["obfuscation", "phase", "x:y", "é"]), label="name")] = data.draw(
            st.one_of(st.text(max_size=6), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False, allow_infinity=False),
                      st.just({"a": 1}), st.just([1, "b:c"])), label="value")
    elif kind == "float-integer":
        for key, item in target.items():
            if type(item) is int:
                target[key] = float(item)
                break
    elif kind == "bad-base64":
        for key, item in target.items():
            if isinstance(item, str) and key in ("audio", "delta"):
                target[key] = item + data.draw(st.sampled_from(["=", "A", "!", "A==="]), label="tail")
                break
    else:
        for key, item in target.items():
            if isinstance(item, str) and key != "type":
                target[key] = item * 50 + "ü:" * 30
                break
    return mutant


# --- comparing -----------------------------------------------------------------------------------


def _full(text: str, direction: str, dialect: str) -> verdicts.Verdict:
    """The full path: decode, the models, the duplicate-member search; no fast path at all."""
    if dialect == "ga":
        return verdicts._judge(text, direction)  # type: ignore[arg-type]
    profile = dialects.get(dialect)
    return verdicts._judge_text(text, lambda value: verdicts._dialect_value(value, direction, profile))  # type: ignore[arg-type]


def _facts(verdict: verdicts.Verdict) -> tuple[Any, ...]:
    return verdict.verdict, verdict.type, verdict.direction, verdict.errors, verdict.unknown_fields, verdict.note


def proves_only_the_valid(proof: Any, full: verdicts.Verdict, text: str | bytes) -> None:
    """A proof stands for a valid event of the full path's type, with its unknown members."""
    if proof is not None:
        event_type, unknown = (proof, ()) if isinstance(proof, str) else proof
        assert full.verdict == "valid", (proof, full, text)
        assert event_type == full.type, (proof, full)
        assert tuple((u.path, u.type) for u in full.unknown_fields) == tuple((verdicts.child("$", name), kind) for name, kind in unknown), (proof, full)


def agree(text: str | bytes, direction: str, dialect: str = "ga") -> tuple[verdicts.Verdict, Any]:
    """Assert that the fast path, one text at a time and in a batch, proves only what the full
    path finds valid, with the same type and unknown members, and that ``judge`` and
    ``judge_batch`` give the full path's verdict."""
    full = _full(text, direction, dialect)
    proof = fastpath.valid_type(text, direction, dialect)
    proves_only_the_valid(proof, full, text)
    for in_c in LOOPS:
        for batch_proof in batch.prove_batch([text, text], direction, dialect, in_c=in_c):  # the second after whatever the first taught
            proves_only_the_valid(batch_proof, full, text)
    whole = batch.judge_batch([text], direction, None if dialect == "ga" else dialect)[0]  # type: ignore[arg-type]
    assert (whole.verdict, whole.type, whole.errors, whole.unknown_fields) == (full.verdict, full.type, full.errors, full.unknown_fields), text
    if dialect == "ga":
        assert _facts(judge(text, direction)) == _facts(full), text  # type: ignore[arg-type]
        fast_pydantic = verdicts._judge_valid_pydantic(text, direction)
        if fast_pydantic is not None:
            assert _facts(fast_pydantic) == _facts(full), text
    else:
        whole = judge(text, direction, dialect)  # type: ignore[arg-type]
        assert (whole.verdict, whole.type, whole.errors, whole.unknown_fields) == (full.verdict, full.type, full.errors, full.unknown_fields), text
    return full, proof


#: The batch path's loops: in C where it was built, and in Python.
LOOPS = (True, False) if batch.in_c() else (False,)


@contextlib.contextmanager
def python_loop() -> Iterator[None]:
    """The batch path with its loop in Python, as an install without the C extension runs it."""
    saved = batch._cbatch
    batch._cbatch = None
    try:
        yield
    finally:
        batch._cbatch = saved


def validate_output(lines: list[bytes], *, in_c: bool, fmt: str = "json", direction: str = "auto", dialect: str | None = None,
                    folder: str | None = None) -> tuple[bytes, Any]:
    """What ``validate`` writes for a JSON Lines file of ``lines`` (one piece), and its counts."""
    with contextlib.ExitStack() as stack:
        where = Path(folder or stack.enter_context(tempfile.TemporaryDirectory()))
        path = where / "run.jsonl"
        path.write_bytes(b"\n".join(lines) + b"\n")
        if not in_c:
            stack.enter_context(python_loop())
        judged = bulk.judge_piece(bulk.Piece(path), direction, fmt, dialect)
        text = judged.text if type(judged.text) is bytes else judged.text.encode()  # type: ignore[union-attr]
        return text.replace(str(path).encode(), b"FILE"), judged.counts


def same_output(lines: list[bytes], **options: Any) -> None:
    """``validate``'s output is the same through the C loop and the Python loop."""
    if not batch.in_c():
        return
    assert validate_output(lines, in_c=True, **options) == validate_output(lines, in_c=False, **options), lines[:3]


def agree_on_value(value: Any, direction: str, dialect: str = "ga") -> None:
    """The same for an event already decoded (what the session checker judges)."""
    full = judge_value(value, direction) if dialect == "ga" else verdicts._dialect_value(value, direction, dialects.get(dialect))  # type: ignore[arg-type]
    proof = fastpath.valid_value_type(value, direction, dialect)
    if proof is not None:
        event_type, unknown = (proof, ()) if isinstance(proof, str) else proof
        assert (full.verdict, full.type) == ("valid", event_type), (proof, full)
        assert tuple((u.path, u.type) for u in full.unknown_fields) == tuple((verdicts.child("$", name), kind) for name, kind in unknown)


def _direction(event_type: str) -> str:
    return "client" if event_type in CLIENT_EVENT_MODELS else "server"


# --- GA: every event type ------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", sorted(GA_MODELS))
def test_valid_events_get_the_full_paths_verdict(event_type: str) -> None:
    direction = _direction(event_type)
    proved = []

    @_QUIET
    @given(_events(GA_MODELS[event_type]), st.sampled_from(SPELLINGS), st.sampled_from([direction, "auto"]))
    def check(event: dict, style: str, asked: str) -> None:
        text = spell(_long_base64(event) if style == "long-base64" else event, style)
        full, proof = agree(text, asked)
        assert full.verdict == "valid", full
        agree(text.encode(), asked)
        agree_on_value(event, asked)
        if style != "escaped-colons":
            proved.append(text if proof is None else None)

    check()
    if event_type in GA_FULLY and proved:
        left = [text for text in proved if text is not None]
        assert not left, f"the fast path left {len(left)} of {len(proved)} valid {event_type} events to pydantic, such as {left[0]}"


@pytest.mark.parametrize("event_type", sorted(GA_MODELS))
def test_invalid_events_get_the_full_paths_verdict(event_type: str) -> None:
    direction = _direction(event_type)

    @_QUIET
    @given(_events(GA_MODELS[event_type]), st.data(), st.sampled_from(SPELLINGS))
    def check(event: dict, data: Any, style: str) -> None:
        mutant = _mutate(event, data)[0] if data.draw(st.booleans(), label="family's mutation") else _more_mutations(event, data)
        text = spell(_long_base64(mutant) if style == "long-base64" else mutant, style)
        agree(text.encode(), direction)
        agree(text, "auto")
        agree_on_value(mutant, direction)

    check()


@pytest.mark.parametrize("event_type", sorted(GA_MODELS))
def test_a_repeated_member_is_never_proved(event_type: str) -> None:
    direction = _direction(event_type)

    @_QUIET
    @given(_events(GA_MODELS[event_type]), st.data(), st.sampled_from(SPELLINGS))
    def check(event: dict, data: Any, style: str) -> None:
        path, target = data.draw(st.sampled_from(_objects(event)), label="object")
        if not target:
            return
        member = data.draw(st.sampled_from(sorted(target)), label="member")
        decoy = data.draw(st.one_of(st.just(target[member]), st.text(max_size=5), st.just("a:b"), st.just("\u003a"), st.integers()), label="decoy")
        text = spell(event, style, repeat=(path, member, decoy))
        full, proof = agree(text.encode(), direction)
        assert proof is None and full.verdict != "valid", (text, full)

    check()


# --- the dialects ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", OTHER_DIALECTS)
@pytest.mark.parametrize("direction", ["client", "server"])
def test_dialect_events_get_the_full_paths_verdict(dialect: str, direction: str) -> None:
    profile = dialects.get(dialect)
    models = profile.models(direction)

    @settings(_QUIET, max_examples=settings().max_examples * 4)
    @given(st.sampled_from(sorted(models)).flatmap(lambda name: _events(models[name])), st.data(), st.sampled_from(SPELLINGS))
    def check(event: dict, data: Any, style: str) -> None:
        kind = data.draw(st.sampled_from(["valid", "mutated", "more", "repeated"]), label="kind")
        if kind == "mutated":
            event = _mutate(event, data)[0]
        elif kind == "more":
            event = _more_mutations(event, data)
        repeat = None
        if kind == "repeated":
            path, target = data.draw(st.sampled_from(_objects(event)), label="object")
            if target:
                repeat = (path, data.draw(st.sampled_from(sorted(target)), label="member"), "a:b")
        text = spell(_long_base64(event) if style == "long-base64" else event, style, repeat)
        full, proof = agree(text.encode(), direction, dialect)
        if repeat is not None:
            assert proof is None and full.verdict != "valid"
        agree_on_value(event, direction, dialect)

    check()


# --- hostile inputs -------------------------------------------------------------------------------

DELTA = '{"type":"response.output_text.delta","event_id":"event_1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":%s}'
AUDIO = '{"type":"response.output_audio.delta","event_id":"event_1","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"%s"}'
SPEECH = '{"type":"input_audio_buffer.speech_started","event_id":"event_1","audio_start_ms":%s,"item_id":"item_1"}'
HOSTILE: dict[str, bytes] = {
    "duplicate-type": b'{"type":"input_audio_buffer.cleared","type":"input_audio_buffer.cleared","event_id":"e"}',
    "duplicate-with-escaped-colon": (DELTA % '"\\u003a","delta":"\\u003a"').encode(),
    "duplicate-balanced-by-escaped-colons": (DELTA % '"x","delta":"\\u003a\\u003a"').encode(),
    "duplicate-unknown-member": (DELTA % '"x","obfuscation":"a","obfuscation":"b"').encode(),
    "duplicate-in-nested-item": b'{"type":"conversation.item.added","event_id":"e","item":{"type":"message","role":"user","role":"user","content":[]}}',
    "duplicate-audio-delta": (AUDIO % ("QUFB" * 1000)).encode().replace(b'"delta":', b'"delta":"QUFB","delta":', 1),
    "nan": (SPEECH % "NaN").encode(),
    "infinity": (SPEECH % "Infinity").encode(),
    "huge-number": (SPEECH % "1e400").encode(),
    "float-for-integer": (SPEECH % "1000.0").encode(),
    "big-integer": (SPEECH % ("9" * 40)).encode(),
    "boolean-for-integer": (SPEECH % "true").encode(),
    "negative-zero": (SPEECH % "-0").encode(),
    "deep-nesting-in-unknown": (SPEECH % "1").encode()[:-1] + b',"x":' + b"[" * 300 + b"]" * 300 + b"}",
    "deeper-nesting": b"[" * 100_000 + b"]" * 100_000,
    "huge-string": (DELTA % json.dumps("ä:" * 2_000_000)).encode(),
    "huge-audio": (AUDIO % ("QUFB" * 2_000_000)).encode(),
    "audio-not-base64": (AUDIO % ("QUF" + "B" * 5000)).encode(),
    "audio-with-escaped-slash": (AUDIO % ("QU\\/B" * 1000)).encode(),
    "audio-then-member": (AUDIO % ("QUFB" * 1000)).encode()[:-1] + b',"obfuscation":"x"}',
    "invalid-utf8": (DELTA % '"caf\xc3"').encode("latin-1"),
    "invalid-utf8-in-audio": (AUDIO % ("QUFB" * 1000)).encode()[:-3] + b'\xff"}',
    "lone-surrogate": (DELTA % '"\\ud800"').encode(),
    "nul-stand-in-elsewhere": (AUDIO % ("QUFB" * 1000)).encode().replace(b'"item_1"', b'"\\u0000"'),
    "bom": b"\xef\xbb\xbf" + (SPEECH % "1").encode(),
    "trailing-garbage": (SPEECH % "1").encode() + b" x",
    "two-documents": (SPEECH % "1").encode() * 2,
    "empty": b"",
    "whitespace": b"  \n",
    "array": b"[]",
    "string": b'"input_audio_buffer.cleared"',
    "no-type": b'{"event_id":"e"}',
    "beta-name": b'{"type":"response.audio.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":""}',
    "client-event-as-server": b'{"type":"input_audio_buffer.clear","event_id":"e"}',
    "colon-in-key": b'{"type":"input_audio_buffer.cleared","event_id":"e","a:b":"c:d"}',
    "escaped-colon-in-unknown": b'{"type":"input_audio_buffer.cleared","event_id":"e","x":"\\u003a"}',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("direction", ["server", "auto"])
def test_hostile_inputs_get_the_full_paths_verdict(name: str, direction: str) -> None:
    full, proof = agree(HOSTILE[name], direction)
    if name.startswith("duplicate") or name in ("nan", "infinity", "deeper-nesting", "invalid-utf8", "invalid-utf8-in-audio", "lone-surrogate", "bom",
                                               "trailing-garbage", "two-documents", "empty", "whitespace", "deep-nesting-in-unknown"):
        assert proof is None and full.verdict in ("invalid", "not-json"), full


def test_the_long_routes_are_the_ones_taken() -> None:
    """The hostile and spelled inputs above reach every route: a long audio delta is proved in
    place, a long transcript through the long decoder, and an unknown member learned once is
    held by the struct from then on."""
    audio = (AUDIO % ("QUFB" * 1000)).encode()
    decoder = fastpath.tables().decoders["server"]
    assert fastpath._valid_excised(audio, decoder) == "response.output_audio.delta"
    long_text = (DELTA % json.dumps("ü" * 3000)).encode()
    assert fastpath._valid_excised(long_text, decoder) is None
    assert fastpath.valid_type(long_text, "server") == "response.output_text.delta"
    with_unknown = (DELTA % '"x","obfuscation":"abc"').encode()
    assert fastpath.valid_type(with_unknown, "server") == ("response.output_text.delta", (("obfuscation", "string"),))
    shape = fastpath._SHAPES[fastpath.tables().structs["server"]["response.output_text.delta"]]
    assert "obfuscation" in shape.learned_names
    assert fastpath.valid_type(with_unknown, "server") == ("response.output_text.delta", (("obfuscation", "string"),))
    assert fastpath.valid_type((DELTA % '"x","obfuscation":7').encode(), "server") == ("response.output_text.delta", (("obfuscation", "integer"),))


def test_a_learned_member_of_another_type_is_proved_on_every_route() -> None:
    """Once a struct holds a learned member as a string, an event where that member is a number
    is still proved, with its own type, on the short route, the long route and from a value."""
    learned = (DELTA % '"x","proof_note":"abc"').encode()
    assert fastpath.valid_type(learned, "server") == ("response.output_text.delta", (("proof_note", "string"),))
    other = DELTA % '"x","proof_note":7'
    expected = ("response.output_text.delta", (("proof_note", "integer"),))
    # The long route and the value route first: the short route would teach the struct the integer.
    assert fastpath.valid_type((other + " " * fastpath.LONG).encode(), "server") == expected
    assert fastpath.valid_value_type(json.loads(other), "server") == expected
    assert fastpath.valid_type(other.encode(), "server") == expected
    agree(other + " " * fastpath.LONG, "server")


# --- runs: the batch path over many texts at once ---------------------------------------------------


@pytest.mark.parametrize("dialect", ["ga", *OTHER_DIALECTS])
def test_a_run_of_texts_gets_each_texts_verdict(dialect: str) -> None:
    """Runs of valid, mutated, member-repeating and hostile texts, of many types, through
    prove_batch, prove_lines and judge_batch at once: each text's proof and verdict are the full
    path's, wherever in the run it stands (a text that stops the run, and those after it)."""
    models = GA_MODELS if dialect == "ga" else {**dialects.get(dialect).models("client"), **dialects.get(dialect).models("server")}

    @settings(_QUIET, max_examples=max(5, settings().max_examples // 2))
    @given(st.lists(st.tuples(st.sampled_from(sorted(models)), st.sampled_from(["valid", "mutated", "more", "repeated", "hostile"]), st.data()),
                    min_size=1, max_size=12))
    def check(drawn: list[tuple[str, str, Any]]) -> None:
        texts = []
        for event_type, kind, data in drawn:
            if kind == "hostile":
                texts.append(data.draw(st.sampled_from(sorted(HOSTILE.values(), key=len)[:-3]), label="hostile"))
                continue
            event = data.draw(_events(models[event_type]), label="event")
            repeat = None
            if kind == "mutated":
                event = _mutate(event, data)[0]
            elif kind == "more":
                event = _more_mutations(event, data)
            elif kind == "repeated":
                path, target = data.draw(st.sampled_from(_objects(event)), label="object")
                if target:
                    repeat = (path, data.draw(st.sampled_from(sorted(target)), label="member"), "a:b")
            style = data.draw(st.sampled_from([spelling for spelling in SPELLINGS if spelling != "indented"]), label="style")
            texts.append(spell(_long_base64(event) if style == "long-base64" else event, style, repeat).encode())
        fulls = [_full(text, "auto", dialect) for text in texts]
        for proof, full, text in zip(batch.prove_batch(texts, "auto", dialect), fulls, texts):
            proves_only_the_valid(proof, full, text)
        lines, proofs = batch.prove_lines(b"\n".join(texts) + b"\n", "auto", dialect)
        assert len(proofs) == len(texts) + sum(text.count(b"\n") for text in texts) + 1 and proofs[-1] is None
        if not any(b"\n" in text for text in texts):
            for proof, full, text in zip(proofs, fulls, texts):
                proves_only_the_valid(proof, full, text)
        for in_c in LOOPS:
            judged = batch.judge_batch(texts, "auto", None if dialect == "ga" else dialect, in_c=in_c)
            assert [(v.verdict, v.type, v.errors, v.unknown_fields) for v in judged] == [(f.verdict, f.type, f.errors, f.unknown_fields) for f in fulls]
            for proof, full, text in zip(batch.prove_batch(texts, "auto", dialect, in_c=in_c), fulls, texts):
                proves_only_the_valid(proof, full, text)
        same_output(texts, dialect=None if dialect == "ga" else dialect)

    check()


# --- the C loop against the Python loop: the corpus, hostile lines, long audio -----------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _fixture_lines() -> list[bytes]:
    """Every corpus payload as one line (compact and spaced, and with long audio), and every line
    of the corpus's sessions (transcripts and bare events)."""
    lines = []
    for path in sorted(FIXTURES.rglob("*.json")):
        payload = json.loads(path.read_bytes()).get("payload")
        if isinstance(payload, str):
            lines.append(payload.replace("\n", " ").encode())
            continue
        lines.append(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
        lines.append(json.dumps(payload).encode())
        lines.append(json.dumps(_long_base64(payload), separators=(",", ":")).encode())
    for path in sorted(FIXTURES.rglob("*.jsonl")):
        lines.extend(path.read_bytes().split(b"\n"))
    return lines


@pytest.mark.skipif(not batch.in_c(), reason="the C extension is not built: only the Python loop runs")
@pytest.mark.parametrize("dialect", [None, *OTHER_DIALECTS])
def test_the_c_loop_writes_what_the_python_loop_writes_on_the_corpus(dialect: str | None, tmp_path: Path) -> None:
    lines = _fixture_lines()
    for fmt, direction in [("json", "auto"), ("text", "server")] if dialect is None else [("json", "auto")]:
        in_c = validate_output(lines, in_c=True, fmt=fmt, direction=direction, dialect=dialect, folder=str(tmp_path))
        in_python = validate_output(lines, in_c=False, fmt=fmt, direction=direction, dialect=dialect, folder=str(tmp_path))
        assert in_c == in_python
    texts = [line for line in lines if line.strip()]
    fulls = [_full(text, "auto", dialect or "ga") for text in texts]
    for proof, full, text in zip(batch.prove_batch(texts, "auto", dialect or "ga", in_c=True), fulls, texts):
        proves_only_the_valid(proof, full, text)


@pytest.mark.skipif(not batch.in_c(), reason="the C extension is not built: only the Python loop runs")
@pytest.mark.parametrize("direction", ["server", "auto"])
def test_the_c_loop_writes_what_the_python_loop_writes_on_hostile_lines(direction: str) -> None:
    hostile = [text for name, text in sorted(HOSTILE.items()) if name not in ("huge-string", "huge-audio", "deeper-nesting")]
    same_output(hostile, direction=direction)
    same_output(hostile, direction=direction, fmt="text")
    for name, text in HOSTILE.items():
        same_output([text, text], direction=direction)  # each alone, and after what it taught


#: Texts only the C loop's own parsing sees: escapes in member names, names repeated far apart,
#: deep and wide objects, a base64 string at the end of a long text that is not the audio member,
#: stand-ins in the wrong place, white space and a lone CR around the event.
_C_EDGES = [
    b'{"type":"input_audio_buffer.cleared","event_\\u0069d":"e"}',
    b'{"type":"input_audio_buffer.cleared","event_id":"e","event_\\u0069d":"f"}',
    b'{"typ\\u0065":"input_audio_buffer.cleared","event_id":"e"}',
    b'{"type":"input_audio_buffer.cleared","event_id":"a\"b\\","x\"":1}',
    b'  {"type":"input_audio_buffer.cleared","event_id":"e"}  \r',
    b'\t{"type":"input_audio_buffer.cleared","event_id":"e"}\x0c',
    b'{"type":"input_audio_buffer.cleared","event_id":"e"}{}',
    b'{"type":"input_audio_buffer.cleared","event_id":"e"},{"type":"input_audio_buffer.cleared","event_id":"e"}',
    (AUDIO % ("QUFB" * 1000)).encode().replace(b'"item_1"', b'""'),
    (AUDIO % ("QUFB" * 1000)).encode().replace(b'"delta":', b'"x":"QUFB","delta":'),
    (AUDIO % ("QUFB" * 1000)).encode().replace(b'"event_1"', b'"' + b"QUFB" * 600 + b'"'),
    (AUDIO % ("QUFB" * 999 + "QQ==")).encode(),
    (AUDIO % ("QUFB" * 999 + "QQ=A")).encode(),
    (AUDIO % ("QUFB" * 999 + "Q===")).encode(),
    (AUDIO % ("QUFB" * 999 + "QUF=")).encode(),
    (AUDIO % ("QUFB" * 999 + "QUF")).encode(),
    (AUDIO % ("QUFB" * 500 + "QU\\u0046B" + "QUFB" * 499)).encode(),
    (AUDIO % ("QUFB" * 1000)).encode() + b"  ",
    (AUDIO % ("QUFB" * 1000)).encode()[:-1] + b',"obfuscation":"abc"}',
    b'{"type":"conversation.item.added","event_id":"e","previous_item_id":null,"item":{"type":"message","role":"user","content":[{"type":"input_text","text":"a","text":"b"}]}}',
    b'{"type":"conversation.item.added","event_id":"e","previous_item_id":null,"item":{"type":"message","role":"user","content":[]}}',
    b'{"type":"conversation.item.added","event_id":"e","previous_item_id":null,"item":{"role":"user","type":"message","content":[],"id":"a","id":"b"}}',
    b'{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":1,"item_id":"i","a":{"b":{"c":' + b"[" * 70 + b"]" * 70 + b"}}}",
    b'{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":1,"item_id":"i","item_id":"i"}',
    b'{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":1,"item_id":"i","obfuscation":"x","obfuscation":"x"}',
    b'{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":1,"item_id":"i","obfuscation":"x","phase":"y"}',
    b'{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":1,"item_id":"i","obfuscation":7}',
    b'{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":1,"item_id":"i","\\u00e9":1}',
    b'{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":1,"item_id":"i","\xc3\xa9":1}',
    b'{"type":"input_audio_buffer.speech_started","event_id":"e","audio_start_ms":1,"item_id":"i"' + b"".join(b',"k%d":%d' % (i, i) for i in range(1100)) + b"}",
]


@pytest.mark.skipif(not batch.in_c(), reason="the C extension is not built: only the Python loop runs")
@pytest.mark.parametrize("index", range(len(_C_EDGES)))
def test_the_c_loop_on_its_own_edges(index: int) -> None:
    text = _C_EDGES[index]
    for direction in ("server", "auto"):
        agree(text, direction)
        same_output([text], direction=direction)
        same_output([text, _C_EDGES[(index + 1) % len(_C_EDGES)], text], direction=direction, fmt="text")


@pytest.mark.skipif(not batch.in_c(), reason="the C extension is not built: only the Python loop runs")
def test_the_c_loop_proves_the_common_cases() -> None:
    """What makes it fast is that it proves the common events itself: valid control events, deltas
    with their learned member, message items (their check run in Python) and long audio."""
    texts = [(SPEECH % "1").encode(), (DELTA % '"x","obfuscation":"abc"').encode(), (AUDIO % ("QUFB" * 1000)).encode(), _C_EDGES[20]]
    batch.prove_batch(texts, "server")  # learn obfuscation
    decoder = fastpath.tables().decoders["server"]
    proofs, stop = batch._cbatch.prove_texts(decoder.decode, batch.C_SHAPES, batch.c_shape, fastpath.LONG, texts, 0)
    assert stop == len(texts), texts[stop]
    assert proofs == ["input_audio_buffer.speech_started", ("response.output_text.delta", (("obfuscation", "string"),)),
                      "response.output_audio.delta", "conversation.item.added"]


# --- GA's structs written out (conformance/_derived.py) ----------------------------------------------


def test_the_written_structs_are_the_ones_the_models_give() -> None:
    """``conformance/_derived.py`` is what writing it again from the models gives (run ``python -m
    conformance.fastpath`` after changing a model), and the tables it makes write out the same
    source, so that they hold the same structs, shapes and checks as those derived."""
    written = (Path(fastpath.__file__).parent / "_derived.py").read_text(encoding="utf-8")
    assert fastpath.generate() == written, "conformance/_derived.py is stale: run python -m conformance.fastpath"
    assert fastpath._generated() is fastpath.tables("ga") and fastpath.tables("ga").written
    assert fastpath.generate(fastpath.tables("ga")) == written


def test_proving_needs_no_pydantic_model() -> None:
    """``validate`` proves valid GA events without importing the models (they cost most of its
    start-up); an event that needs the full path imports them then."""
    import subprocess
    import sys

    valid = b"\n".join([(SPEECH % "1").encode(), (DELTA % '"x","obfuscation":"ab"').encode(), (DELTA % '"y","obfuscation":"cd"').encode()])
    script = (
        "import sys, io, pathlib, tempfile\n"
        "from conformance import bulk\n"
        "path = pathlib.Path(tempfile.mkdtemp()) / 'a.jsonl'\n"
        f"path.write_bytes({valid!r})\n"
        "out = io.StringIO()\n"
        "assert bulk.validate([path], out, fmt='json') == {'valid': 3}, out.getvalue()\n"
        "assert 'conformance.protocol' not in sys.modules and 'pydantic' not in sys.modules, sorted(sys.modules)\n"
        "path.write_bytes(b'{\"type\":\"nope\"}\\n')\n"
        "assert bulk.validate([path], out, fmt='json') == {'unknown-type': 1}\n"
        "assert 'conformance.protocol' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
