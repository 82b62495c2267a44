"""The service in-process (TestClient on its ASGI app): endpoints, validation, limits, content types."""

from __future__ import annotations

import logging

import pytest

from newsclf.serving.limits import MAX_CHARS, MAX_DOC_BYTES, MAX_ITEMS

HTML = (
    "<html><head><title>t</title></head><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav>"
    "<article><h1>Taliban enter Panjshir</h1>"
    "<p>Taliban forces entered the Panjshir valley on Monday after days of fighting.</p>"
    "<p>\u201cWe will never surrender,\u201d said Ahmad Massoud, the leader of the resistance front.</p>"
    "</article><footer><p>Subscribe to our newsletter</p></footer></body></html>"
)
TEXT = (
    "Taliban forces entered the Panjshir valley on Monday.\n\n"
    "\u201cWe will fight the Taliban until our last breath,\u201d Ahmad Massoud said on Sunday.\n\n"
    "Read more"
)


def test_service_boilerplate_labels_every_sentence(client):
    resp = client.post(
        "/boilerplate",
        json={"sentences": ["Skip to content", "Taliban forces entered the valley."]},
    )
    assert resp.status_code == 200
    out = resp.json()
    assert [set(r) for r in out] == [{"label", "scores"}] * 2
    assert out[0]["label"] == "boilerplate"
    for r in out:
        assert set(r["scores"]) == {"content", "boilerplate"}
        assert abs(sum(r["scores"].values()) - 1) < 1e-4
        assert r["label"] == max(r["scores"], key=r["scores"].get)


def test_service_boilerplate_empty_list(client):
    resp = client.post("/boilerplate", json={"sentences": []})
    assert resp.status_code == 200 and resp.json() == []


def test_service_stance_scores_every_label(client):
    quotes = [
        {
            "text": "We will fight the Taliban until our last breath",
            "target": "taliban",
            "speaker": "Ahmad Massoud",
        },
        {"text": "We have taken full control of Panjshir", "target": "nrf", "side": "taliban"},
    ]
    resp = client.post("/stance", json={"quotes": quotes})
    assert resp.status_code == 200
    out = resp.json()
    assert len(out) == 2
    assert all(set(r["scores"]) == {"favor", "against", "none"} for r in out)


def test_service_models_reports_both_models(client):
    for resp in (client.post("/models", json={}), client.get("/models"), client.post("/models")):
        assert resp.status_code == 200
        info = resp.json()
        assert set(info) == {"boilerplate", "stance"}
        for task, entry in info.items():
            assert entry["task"] == task
            assert set(entry) >= {"tag", "run_id", "task", "labels", "metrics", "data_fingerprint"}
            assert entry["run_id"] and entry["data_fingerprint"]
        assert info["stance"]["labels"] == ["favor", "against", "none"]


def test_service_analyze_text_shape_and_offsets(client):
    resp = client.post("/analyze", json={"text": TEXT})
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert set(out) == {"sentences", "quotes"}
    assert out["sentences"]
    for s in out["sentences"]:
        assert set(s) == {"start", "end", "text", "label", "score"}
        assert TEXT[s["start"] : s["end"]] == s["text"]
        assert s["label"] in ("content", "boilerplate") and 0 <= s["score"] <= 1
    for q in out["quotes"]:
        assert set(q) == {"start", "end", "text", "speaker", "side", "fragment", "stance"}
        assert TEXT[q["start"] : q["end"]] == q["text"]
        if not q["fragment"]:
            assert set(q["stance"]) == {"taliban", "nrf"}
            for v in q["stance"].values():
                assert set(v) == {"label", "scores"}


def test_service_analyze_targets_option(client):
    resp = client.post("/analyze", json={"text": TEXT, "targets": ["taliban"]})
    assert resp.status_code == 200
    for q in resp.json()["quotes"]:
        assert set(q["stance"]) <= {"taliban"}


def test_service_analyze_html_offsets_index_returned_text(client):
    resp = client.post("/analyze", json={"html": HTML})
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert set(out) == {"text", "sentences", "quotes"}
    for s in out["sentences"]:
        assert out["text"][s["start"] : s["end"]] == s["text"]


def test_service_extract_returns_text(client):
    resp = client.post("/extract", json={"html": HTML})
    assert resp.status_code == 200, resp.text
    assert isinstance(resp.json()["text"], str)


def test_service_extract_comments_flag(client, tiny_runs):
    from newsclf.data.html import read_html
    from newsclf.extraction import extract_main_text
    from newsclf.pipeline.runs import load_run

    model = load_run(tiny_runs["boilerplate"])
    page = HTML.replace("</article>", "<div class='comments'><p>I disagree with every word of this report.</p></div></article>")
    texts = []
    for comments in (False, True):
        resp = client.post("/extract", json={"html": page, "comments": comments})
        assert resp.status_code == 200, resp.text
        texts.append(resp.json()["text"])
        assert texts[-1] == extract_main_text(model, read_html(page, "page"), comments=comments)
    assert "I disagree" not in texts[0] and "I disagree" in texts[1]  # the tiny model keeps the comment
    resp = client.post("/extract", json={"html": page, "comments": "maybe"})
    assert 400 <= resp.status_code < 500


@pytest.mark.parametrize(
    ("path", "body", "needle"),
    [
        ("/boilerplate", {"sentences": ["a"] * (MAX_ITEMS + 1)}, "1000"),
        ("/boilerplate", {"sentences": ["x" * (MAX_CHARS + 1)]}, "10000 characters"),
        ("/stance", {"quotes": [{"text": "a", "target": "t"}] * (MAX_ITEMS + 1)}, "1000"),
        (
            "/stance",
            {"quotes": [{"text": "x" * (MAX_CHARS + 1), "target": "t"}]},
            "10000 characters",
        ),
        ("/analyze", {"text": "x" * (MAX_DOC_BYTES + 1)}, "2 MB"),
        ("/extract", {"html": "x" * (MAX_DOC_BYTES + 1)}, "2 MB"),
        ("/analyze", {"text": "a", "html": "<p>b</p>"}, "exactly one of"),
        ("/analyze", {}, "exactly one of"),
        ("/boilerplate", {"sentences": [1, 2]}, "sentences.0"),
        ("/boilerplate", {"sentences": "abc"}, "sentences"),
        ("/boilerplate", {"sentence": ["a"]}, "sentences: Field required"),
        ("/boilerplate", [], "object"),
        ("/stance", {"quotes": [{"text": "a"}]}, "quotes.0.target"),
        ("/stance", {"quotes": [{"text": "a", "target": 3}]}, "quotes.0.target"),
        ("/analyze", {"text": 5}, "text"),
        ("/extract", {}, "html"),
    ],
)
def test_service_rejects_bad_body_with_400(client, path, body, needle):
    resp = client.post(path, json=body)
    assert resp.status_code == 400, resp.text
    assert needle in resp.json()["error"]


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b'{"sentences": ["\xff\xfe"]}',
        b'{"sentences": ["\\ud800"]}',
        b"",
        b"null",
        b"\x00\x01",
    ],
)
def test_service_rejects_invalid_json_or_utf8_with_400(client, raw):
    resp = client.post("/boilerplate", content=raw, headers={"content-type": "application/json"})
    assert resp.status_code == 400, resp.text
    assert resp.json()["error"]


@pytest.mark.parametrize(
    "ctype", ["application/python-pickle", "application/x-pickle", "application/vnd.bentoml+pickle"]
)
def test_service_rejects_pickle_with_415(client, ctype):
    import pickle

    body = pickle.dumps({"sentences": ["a"]})
    for path in ("/boilerplate", "/stance", "/analyze", "/extract"):
        resp = client.post(path, content=body, headers={"content-type": ctype})
        assert resp.status_code == 415, resp.text
        assert "pickle" in resp.json()["error"]


def test_service_rejects_multipart_with_415(client):
    resp = client.post("/boilerplate", files={"sentences": ("a.txt", b"a")})
    assert resp.status_code == 415


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", None])
def test_service_reads_json_sent_with_other_content_types(client, ctype):
    headers = {"content-type": ctype} if ctype else {}
    resp = client.post("/boilerplate", content=b'{"sentences": ["Read more"]}', headers=headers)
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/analyze", {"text": ""}),
        ("/analyze", {"text": "   \n\n  "}),
        ("/analyze", {"text": '\u201c\u201c\u201d" \u00ab\u00bb \x00 \ufeff'}),
        ("/analyze", {"html": ""}),
        ("/analyze", {"html": "not html at all"}),
        ("/analyze", {"html": "\x00\x01\x02" * 100}),
        ("/analyze", {"text": TEXT, "targets": []}),
        ("/analyze", {"text": TEXT, "targets": ["", "somebody else"]}),
        ("/extract", {"html": ""}),
        ("/extract", {"html": "<<<>>>"}),
        ("/boilerplate", {"sentences": ["", " ", "\x00", "\ufeff"]}),
        ("/stance", {"quotes": [{"text": "", "target": ""}]}),
    ],
)
def test_service_odd_input_never_500(client, path, body):
    resp = client.post(path, json=body)
    assert resp.status_code < 500, resp.text


def test_service_rejection_logs_one_line_without_traceback(client, caplog):
    with caplog.at_level(logging.INFO):
        client.post("/boilerplate", json={"sentences": [1]})
        client.post("/boilerplate", content=b"x", headers={"content-type": "application/x-pickle"})
    records = [r for r in caplog.records if "rejected" in r.getMessage()]
    assert len(records) == 2
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in records)
    assert not [r for r in caplog.records if r.exc_info]


def test_service_health_endpoints(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def test_service_fuzzed_articles_never_500(client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from(
        ["\u201c", "\u201d", '"', "'", "\u00ab", "\u00bb", "\n\n", ". ", " said ", "Taliban", "Massoud",
         "<p>", "</p>", "<a href='x'>", "<script>", "&amp;", "\x00", "\ufeff", "\u200b", "\r\n"]
    )  # fmt: skip
    texts = st.lists(st.one_of(pieces, st.text(max_size=20)), max_size=30).map("".join)

    @settings(
        max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
    )
    @given(text=texts, kind=st.sampled_from(["text", "html"]))
    def check(text, kind):
        resp = client.post("/analyze", json={kind: text})
        assert resp.status_code < 500, resp.text

    check()


def test_service_access_log_env_switch():
    import subprocess
    import sys

    code = (
        "from newsclf.serving.service import Newsclf; print(Newsclf.config['logging']['access']['enabled'])"
    )
    for value, expected in (("", "False"), ("1", "True")):
        env = {**__import__("os").environ, "NEWSCLF_ACCESS_LOG": value}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert out.stdout.strip().splitlines()[-1] == expected, out.stderr[-2000:]


@pytest.mark.parametrize("target", ["", "   "])
def test_service_stance_without_target_is_refused_listing_actors(client, target):
    quotes = [{"text": "We will fight on", "target": "taliban"}, {"text": "They lied", "target": target}]
    resp = client.post("/stance", json={"quotes": quotes})
    assert resp.status_code == 400
    assert "quotes[1].target is empty" in resp.text and "taliban, nrf" in resp.text
