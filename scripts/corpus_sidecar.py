"""The sidecar a cross-check script writes for a generated article: Tagline's v1 format with
the given spans (`(start, end, tag)`, code points) and extra annotations (`(start, end, tag,
status)`: suggested ones hold their text, orphaned ones a text that is nowhere in the article).
Shared by check_agreement.py and check_gamma.py; standard library only."""

import hashlib


def sidecar(name, text, spans, extra):
    raw = text.encode("utf-8")
    anns = []
    for i, (s, e, t) in enumerate(spans):
        anns.append({"id": f"a{i:09d}", "tag": t, "start": s, "end": e, "text": text[s:e],
                     "prefix": text[max(0, s - 32):s], "suffix": text[e:e + 32]})
    for i, (s, e, t, status) in enumerate(extra):
        # An orphan's text is nowhere in the article (one whose text is back is re-anchored).
        anns.append({"id": f"x{i:09d}", "tag": t, "start": s, "end": e,
                     "text": text[s:e] if status == "suggested" else "§not in the article§",
                     "status": status})
    return {"format": "tagline-annotations", "version": 1,
            "article": {"file": name, "sha256": hashlib.sha256(raw).hexdigest(), "chars": len(text)},
            "annotations": anns}
