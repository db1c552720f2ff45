#!/usr/bin/env python3
"""Writes eqmatch.ttl and manifest.ttl.in: the mono and stereo variants of
the EQ matcher share their control ports, so their Turtle is generated from
one description.  Run it after editing, and commit both outputs (the build
uses the .ttl files, not this script)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
URI = "urn:postsync:eqmatch"

# symbol, name, comment, kind, default, minimum, maximum, unit, extra lines
controls_in = [
 ("learn", "Learn",
  "What to learn while the audio plays: off (apply what was learned), the reference (sidechain) and the take (main input) together, the reference only, or the take only. Only speech is learned, each recording's own noise floor apart; learning adds to what was learned before until clear.",
  "enum", 0, 0, 3, None,
  [(0, "off, apply"), (1, "reference and take"), (2, "reference only"), (3, "take only")]),
 ("clear", "Clear",
  "Rising edge forgets everything learned; the correction fades out.", "trigger", 0, 0, 1, None, None),
 ("amount", "Amount",
  "How much of the correction to apply: 100 % matches the reference, 0 % passes the take through bit for bit, 200 % doubles the correction.",
  "float", 100, 0, 200, "units:pc", None),
 ("smoothing", "Smoothing",
  "Width of the fractional-octave smoothing of both spectra before the correction is taken: 1/24 octave (0.042) follows detail, 1 octave gives broad tone only.",
  "log", 1.0 / 6.0, 1.0 / 24.0, 1.0, "units:oct", None),
 ("max_gain", "Max gain",
  "Largest boost or cut the correction may make, dB.", "float", 12, 0, 24, "units:db", None),
 ("low_hz", "Low limit",
  "Lowest frequency the correction acts on: below it 0 dB, fading in over the third of an octave above it.",
  "log", 40, 20, 2000, "units:hz", None),
 ("high_hz", "High limit",
  "Highest frequency the correction acts on: above it 0 dB, fading in over the third of an octave below it.",
  "log", 18000, 1000, 20000, "units:hz", None),
 ("phase", "Phase",
  "Minimum phase: no latency, the phase of a matching analog EQ. Linear phase: no phase change, at a latency of half the filter (4096 samples at 48 kHz).",
  "enum", 0, 0, 1, None, [(0, "minimum phase (no latency)"), (1, "linear phase")]),
 ("enabled", "Enabled",
  "Off: the take passes through unchanged (delayed by the same latency), with a 40 ms crossfade.",
  "toggle_on", 1, 0, 1, None, None),
]
controls_out = [
 ("latency", "Latency", "Delay of the output, samples: 0 in minimum phase, half the filter in linear phase, the same when bypassed.", 0, 0, 16384, "units:frame", "lv2:designation lv2:latency ;\n\t\tlv2:portProperty lv2:integer ;"),
 ("ref_seconds", "Reference speech", "Seconds of reference speech learned so far.", 0, 0, 100000, "units:s", None),
 ("take_seconds", "Take speech", "Seconds of take speech learned so far.", 0, 0, 100000, "units:s", None),
 ("correction_db", "Correction", "RMS size of the correction applied, dB, over the range low_hz..high_hz on a log-frequency scale; 0 when nothing is applied.", 0, 0, 24, "units:db", None),
]
variants = [
 ("mono", "Mono", "pg:MonoGroup", [("", "", "pg:center")]),
 ("stereo", "Stereo", "pg:StereoGroup", [("_l", " left", "pg:left"), ("_r", " right", "pg:right")]),
]

def num(v):
    return f"{v:.9g}" if isinstance(v, float) and v != int(v) else f"{float(v):.1f}"

out = []
w = out.append
w("""@prefix atom:  <http://lv2plug.in/ns/ext/atom#> .
@prefix doap:  <http://usefulinc.com/ns/doap#> .
@prefix foaf:  <http://xmlns.com/foaf/0.1/> .
@prefix lv2:   <http://lv2plug.in/ns/lv2core#> .
@prefix pg:    <http://lv2plug.in/ns/ext/port-groups#> .
@prefix pprop: <http://lv2plug.in/ns/ext/port-props#> .
@prefix rdf:   <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix state: <http://lv2plug.in/ns/ext/state#> .
@prefix units: <http://lv2plug.in/ns/extensions/units#> .
@prefix urid:  <http://lv2plug.in/ns/ext/urid#> .
@prefix work:  <http://lv2plug.in/ns/ext/worker#> .

# The two variants of the Postsync EQ matcher share one binary and the same
# control ports (indices 0-12); then come the take's inputs, the
# reference's (sidechain) inputs and the outputs, one per channel.  Port
# symbols are an interface: sessions and scripts depend on them.

<urn:postsync:project>
\ta doap:Project ;
\tdoap:name "Postsync" ;
\tdoap:shortdesc "LV2 plugins for film dialogue post-production" ;
\tdoap:license <http://opensource.org/licenses/isc> ;
\tdoap:maintainer <urn:postsync:maintainers> .

<urn:postsync:maintainers>
\ta foaf:Person ;
\tfoaf:name "Postsync developers" ;
\tfoaf:mbox <mailto:postsync@example.org> ;
\tfoaf:homepage <https://postsync.example.org/> .

<urn:postsync:eqmatch#learned>
\ta lv2:Parameter ;
\trdfs:label "Learned spectra" ;
\trdfs:comment "Long-term speech and floor spectra of the reference and the take, and the settings of the correction in effect: a versioned little-endian binary chunk, the same at every sample rate." ;
\trdfs:range atom:Chunk .
""")
for sym, label, gclass, chans in variants:
    uri = f"{URI}#{sym}"
    w(f"<{uri}_settings>\n\ta pg:Group ;\n\tlv2:symbol \"settings\" ;\n\trdfs:label \"Settings\" .\n")
    w(f"<{uri}_readings>\n\ta pg:Group ;\n\tlv2:symbol \"readings\" ;\n\trdfs:label \"Readings\" .\n")
    w(f"<{uri}_in>\n\ta {gclass}, pg:InputGroup ;\n\tlv2:symbol \"in\" ;\n\trdfs:label \"Take\" .\n")
    w(f"<{uri}_sc>\n\ta {gclass}, pg:InputGroup ;\n\tlv2:symbol \"sc\" ;\n\trdfs:label \"Reference (sidechain)\" ;\n\tpg:sideChainOf <{uri}_in> .\n")
    w(f"<{uri}_out>\n\ta {gclass}, pg:OutputGroup ;\n\tlv2:symbol \"out\" ;\n\trdfs:label \"Output\" ;\n\tpg:source <{uri}_in> .\n")
    w(f"<{uri}>\n\ta lv2:Plugin, lv2:EQPlugin ;")
    w(f"\tdoap:name \"Postsync EQ Match {label}\" ;")
    w(f"\tdoap:shortdesc \"Gives an ADR take the production mic's colour, {label.lower()}\" ;")
    w(f"\trdfs:comment \"Learns the long-term spectrum of the production dialogue (sidechain) and of the ADR take (main input), speech only and each less its own noise floor, and filters the take by the difference: a minimum-phase (no latency) or linear-phase FIR filter, designed in the worker, crossfaded in, at the same loudness. What was learned is saved with the session.\" ;")
    w("\tdoap:license <http://opensource.org/licenses/isc> ;")
    w("\tlv2:project <urn:postsync:project> ;")
    w("\tlv2:minorVersion 2 ;\n\tlv2:microVersion 0 ;")
    w("\tlv2:optionalFeature lv2:hardRTCapable, urid:map, work:schedule ;")
    w("\tlv2:extensionData state:interface, work:interface ;")
    w(f"\tpg:mainInput <{uri}_in> ;\n\tpg:mainOutput <{uri}_out> ;")
    ports = []
    idx = 0
    for s, l, c, kind, d, lo, hi, unit, points in controls_in:
        p = ["\t\ta lv2:InputPort, lv2:ControlPort ;", f"\t\tlv2:index {idx} ;", f"\t\tlv2:symbol \"{s}\" ;", f"\t\tlv2:name \"{l}\" ;", f"\t\trdfs:comment \"{c}\" ;", f"\t\tpg:group <{uri}_settings> ;"]
        if kind in ("trigger", "toggle_on"):
            if kind == "trigger":
                p.append("\t\tlv2:portProperty lv2:toggled, pprop:trigger ;")
                p.append("\t\tlv2:default false ;\n\t\tlv2:minimum false ;\n\t\tlv2:maximum true")
            else:
                p.append("\t\tlv2:designation lv2:enabled ;")
                p.append("\t\tlv2:portProperty lv2:toggled ;")
                # 1, not true: lilv 0.24 (Debian 12) reads a boolean
                # literal as 0, which would start every instance bypassed
                p.append("\t\tlv2:default 1 ;\n\t\tlv2:minimum 0 ;\n\t\tlv2:maximum 1")
        elif kind == "enum":
            p.append("\t\tlv2:portProperty lv2:integer, lv2:enumeration ;")
            p.append(f"\t\tlv2:default {d} ;\n\t\tlv2:minimum {lo} ;\n\t\tlv2:maximum {hi} ;")
            p.append("\t\tlv2:scalePoint " + " , ".join(f"[\n\t\t\trdfs:label \"{t}\" ;\n\t\t\trdf:value {v}\n\t\t]" for v, t in points))
        else:
            if kind == "log":
                p.append("\t\tlv2:portProperty pprop:logarithmic ;")
            p.append(f"\t\tunits:unit {unit} ;")
            p.append(f"\t\tlv2:default {num(d)} ;\n\t\tlv2:minimum {num(lo)} ;\n\t\tlv2:maximum {num(hi)}")
        ports.append(p)
        idx += 1
    for s, l, c, d, lo, hi, unit, extra in controls_out:
        p = ["\t\ta lv2:OutputPort, lv2:ControlPort ;", f"\t\tlv2:index {idx} ;", f"\t\tlv2:symbol \"{s}\" ;", f"\t\tlv2:name \"{l}\" ;", f"\t\trdfs:comment \"{c}\" ;", f"\t\tpg:group <{uri}_readings> ;"]
        if extra:
            p.append("\t\t" + extra)
        p.append(f"\t\tunits:unit {unit} ;")
        p.append(f"\t\tlv2:default {num(d)} ;\n\t\tlv2:minimum {num(lo)} ;\n\t\tlv2:maximum {num(hi)}")
        ports.append(p)
        idx += 1
    for io, cls, grp, prefix, name, com in (
            ("in", "lv2:InputPort", "_in", "in", "Take", "The ADR take to correct"),
            ("sc", "lv2:InputPort", "_sc", "sc", "Reference", "The production dialogue to match (sidechain)"),
            ("out", "lv2:OutputPort", "_out", "out", "Output", "The corrected take")):
        for suffix, lname, role in chans:
            p = [f"\t\ta {cls}, lv2:AudioPort ;", f"\t\tlv2:index {idx} ;", f"\t\tlv2:symbol \"{prefix}{suffix}\" ;", f"\t\tlv2:name \"{name}{lname}\" ;", f"\t\trdfs:comment \"{com}{(',' + lname) if lname else ''}.\" ;", f"\t\tpg:group <{uri}{grp}> ;"]
            if io == "sc":
                p.append("\t\tlv2:portProperty lv2:isSideChain ;")
            p.append(f"\t\tlv2:designation {role}")
            ports.append(p)
            idx += 1
    w("\tlv2:port [\n" + "\n\t] , [\n".join("\n".join(p) for p in ports) + "\n\t] .\n")
open(os.path.join(HERE, "eqmatch.ttl"), "w").write("\n".join(out))
m = ["@prefix lv2:  <http://lv2plug.in/ns/lv2core#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"]
for sym, *_ in variants:
    m.append(f"<{URI}#{sym}>\n\ta lv2:Plugin ;\n\tlv2:binary <eqmatch@SHLIB_EXT@> ;\n\trdfs:seeAlso <eqmatch.ttl> .\n")
open(os.path.join(HERE, "manifest.ttl.in"), "w").write("\n".join(m))
