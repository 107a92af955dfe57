"""Checks of the tool formats (brat, Label Studio, INCEpTION, W3C), called by check_exports.py.

Each reader is the real library: bratly + bratly-io-fs (brat standoff; `.txt` read with
`newline=""`), label-studio-sdk's `LabelInterface` (the config and every task's results
validated offline, no server), dkpro-cassis (UIMA CAS JSON 0.4.0, UTF-16 offsets converted by
cassis), pyld (JSON-LD expansion against the vendored Web Annotation context) with the model's
MUST constraints checked on the expanded graph.
"""

import glob
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def check_brat(folder, truth, check):
    from bratly import EntityAnnotation, RelationAnnotation, AttributeAnnotation, NoteAnnotation
    from bratly.io import read_and_load_ann_file, read_from_file

    check("brat: annotation.conf and visual.conf written",
          os.path.exists(os.path.join(folder, "annotation.conf")) and os.path.exists(os.path.join(folder, "visual.conf")))
    for rel, (text, spans, relations) in sorted(truth.items()):
        stem = os.path.splitext(rel)[0]
        txt = read_from_file(os.path.join(folder, stem + ".txt"))
        check(f"brat: {stem}.txt is the article text exactly (read with newline='')", txt == text)
        ann_path = os.path.join(folder, stem + ".ann")
        lines = [l for l in open(ann_path, encoding="utf-8", newline="").read().split("\n") if l]
        col = read_and_load_ann_file(ann_path, no_duplicates=False, sorting=False, renumerotize=False)
        anns = col.annotations if col else []
        ents = [a for a in anns if isinstance(a, EntityAnnotation)]
        bad = [e.id for e in ents
               if " ".join(txt[f.start:f.end] for f in e.fragments) != e.content]
        check(f"brat: {stem}.ann: bratly parses all {len(lines)} lines", len(anns) == len(lines), f"{len(anns)} parsed")
        got = sorted((e.fragments[0].start, e.fragments[-1].end, e.label, e.content) for e in ents)
        want = sorted((s[0], s[1], s[2], s[3]) for s in spans)
        check(f"brat: {stem}.ann: {len(ents)} T lines, each text equal to the .txt slice, at the sidecar's offsets",
              not bad and got == want, ", ".join(bad))
        n_rel = sum(isinstance(a, RelationAnnotation) for a in anns)
        check(f"brat: {stem}.ann: {n_rel} R lines (the sidecar's relations)", n_rel == len(relations))


def check_label_studio(folder, truth, check):
    from label_studio_sdk.label_interface import LabelInterface

    config = open(os.path.join(folder, "config.xml"), encoding="utf-8").read()
    li = LabelInterface(config)
    try:
        li.validate()
        check("label-studio: config.xml is a valid labelling config (LabelInterface.validate)", True)
    except Exception as e:  # noqa: BLE001 - report whatever the SDK raises
        check("label-studio: config.xml is a valid labelling config (LabelInterface.validate)", False, str(e)[:300])
    tasks = json.load(open(os.path.join(folder, "tasks.json"), encoding="utf-8"))
    check("label-studio: tasks.json is a JSON list, one task per article", isinstance(tasks, list) and len(tasks) == len(truth))
    for task in tasks:
        rel = task["data"]["file"]
        text, spans, relations = truth[rel]
        check(f"label-studio: {rel}: data.text is the article exactly", task["data"]["text"] == text)
        ok_data = all(task["data"].get(o.value_name) is not None for o in li.objects if o.value_is_variable)
        check(f"label-studio: {rel}: the task has the data every object tag names", ok_data)
        for ann in task.get("annotations", []):
            errors = li._validate_object_logic(ann)
            check(f"label-studio: {rel}: annotation result validates ({len(ann['result'])} results)", not errors, "; ".join(errors)[:400])
            regions = [r for r in ann["result"] if r["type"] == "labels"]
            bad = [r["id"] for r in regions if text[r["value"]["start"]:r["value"]["end"]] != r["value"]["text"]]
            got = sorted((r["value"]["start"], r["value"]["end"], r["value"]["labels"][0], r["value"]["text"]) for r in regions)
            want = sorted((s[0], s[1], s[2], s[3]) for s in spans)
            check(f"label-studio: {rel}: {len(regions)} label regions, value.text == data.text[start:end] (code points)",
                  not bad and got == want, ", ".join(bad))
            n_rel = sum(r["type"] == "relation" for r in ann["result"])
            check(f"label-studio: {rel}: {n_rel} relation results", n_rel == len(relations))
        for pred in task.get("predictions", []):
            errors = li.validate_prediction(pred, return_errors=True)
            check(f"label-studio: {rel}: prediction validates", not errors, "; ".join(errors)[:400])


def check_inception(folder, truth, check):
    from cassis import load_cas_from_json

    for rel, (text, spans, relations) in sorted(truth.items()):
        path = os.path.join(folder, rel + ".json")
        with open(path, encoding="utf-8") as f:
            cas = load_cas_from_json(f)
        check(f"inception: {rel}.json: dkpro-cassis loads it; the sofa is the article exactly", cas.sofa_string == text)
        anns = cas.select("webanno.custom.Tagline")
        bad = [a.taglineId for a in anns if a.get_covered_text() != next(s[3] for s in spans if s[4] == a.taglineId)]
        got = sorted((a.begin, a.end, a.label, a.get_covered_text()) for a in anns)
        want = sorted((s[0], s[1], s[2], s[3]) for s in spans)
        check(f"inception: {rel}.json: {len(anns)} spans, each covered text equal to the span's text", not bad and got == want, ", ".join(bad))
        raw = json.load(open(path, encoding="utf-8"))
        by_id = {fs.get("taglineId"): fs for fs in raw["%FEATURE_STRUCTURES"] if fs.get("%TYPE") == "webanno.custom.Tagline"}
        units = all(by_id[s[4]]["begin"] == utf16_len(text[:s[0]]) and by_id[s[4]]["end"] == utf16_len(text[:s[1]]) for s in spans)
        shifted = sum(utf16_len(text[:s[0]]) != s[0] for s in spans)
        check(f"inception: {rel}.json: begin/end are UTF-16 code units ({shifted} span(s) after an astral character differ from code points)", units)
        rels = cas.select("webanno.custom.TaglineRelation")
        ok = all(r.Governor is not None and r.Dependent is not None for r in rels)
        check(f"inception: {rel}.json: {len(rels)} relations with Governor and Dependent", ok and len(rels) == len(relations))


def check_w3c(path, truth, check):
    from pyld import jsonld

    context_path = os.path.join(HERE, "..", "annotations", "anno-context.jsonld")
    context = json.load(open(context_path, encoding="utf-8"))

    def loader(url, options=None):
        if url.rstrip("/") in ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"):
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": context}
        raise jsonld.JsonLdError(f"no network: {url}", "loading document failed", code="loading document failed")

    doc = json.load(open(path, encoding="utf-8"))
    expanded = jsonld.expand(doc, {"documentLoader": loader})
    OA, AS, RDF = "http://www.w3.org/ns/oa#", "http://www.w3.org/ns/activitystreams#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    col = expanded[0]
    check("w3c: JSON-LD expands offline against the vendored Web Annotation context; an AnnotationCollection",
          AS + "OrderedCollection" in col.get("@type", []))
    page = col[AS + "first"][0]
    items = page[AS + "items"][0]["@list"]
    total = col[AS + "totalItems"][0]["@value"]
    want_total = sum(len(s) for _, s, _ in truth.values())
    check(f"w3c: {len(items)} annotations in the first AnnotationPage, total {total}", len(items) == total == want_total)
    by_source = {}
    for rel, (text, spans, _) in truth.items():
        by_source[rel] = (text, {s[4]: s for s in spans})
    problems = []
    for it in items:
        iri = it.get("@id", "")
        if not iri or ":" not in iri:
            problems.append(f"no IRI id: {iri!r}")
        if OA + "Annotation" not in it.get("@type", []):
            problems.append(f"{iri}: not an oa:Annotation")
        targets = it.get(OA + "hasTarget", [])
        if not targets:
            problems.append(f"{iri}: no target")
            continue
        t = targets[0]
        src = t[OA + "hasSource"][0]
        rel = src["http://www.w3.org/2000/01/rdf-schema#label"][0]["@value"]
        text, spans = by_source[rel]
        sels = {s["@type"][0]: s for s in t[OA + "hasSelector"]}
        q, p = sels.get(OA + "TextQuoteSelector"), sels.get(OA + "TextPositionSelector")
        if q is None or OA + "exact" not in q:
            problems.append(f"{iri}: TextQuoteSelector without exact")
            continue
        if p is None:
            problems.append(f"{iri}: no TextPositionSelector")
            continue
        start, end = p[OA + "start"][0]["@value"], p[OA + "end"][0]["@value"]
        exact = q[OA + "exact"][0]["@value"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
            problems.append(f"{iri}: start/end not non-negative integers")
        if text[start:end] != exact:
            problems.append(f"{iri}: exact != text[start:end]")
        pre = q.get(OA + "prefix", [{"@value": ""}])[0]["@value"]
        suf = q.get(OA + "suffix", [{"@value": ""}])[0]["@value"]
        if not text[:start].endswith(pre) or not text[end:].startswith(suf):
            problems.append(f"{iri}: prefix/suffix do not surround the quote")
        bodies = it.get(OA + "hasBody", [])
        for b in bodies:
            if OA + "TextualBody" in b.get("@type", []) and RDF + "value" not in b:
                problems.append(f"{iri}: TextualBody without value")
        tags = [b[RDF + "value"][0]["@value"] for b in bodies
                if {"@id": OA + "tagging"} in b.get(OA + "hasPurpose", [])]
        ann_id = iri.rsplit(":", 1)[-1]
        if ann_id not in spans or tags != [spans[ann_id][2]] or spans[ann_id][:2] != (start, end):
            problems.append(f"{iri}: tag or offsets differ from the sidecar")
        motivations = it.get(OA + "motivatedBy", [])
        if not all(m["@id"].startswith(OA) for m in motivations):
            problems.append(f"{iri}: motivation outside the oa vocabulary")
    check("w3c: MUST constraints hold (IRI ids, oa:Annotation, a target, exact = the text at start:end, prefix/suffix, TextualBody values, oa motivations and purposes)",
          not problems, "; ".join(problems[:5]))


def run(exports, truth, tmp, check):
    check_brat(os.path.join(exports, "brat"), truth, check)
    check_label_studio(os.path.join(exports, "label-studio"), truth, check)
    check_inception(os.path.join(exports, "inception"), truth, check)
    check_w3c(os.path.join(exports, "w3c.jsonld"), truth, check)
