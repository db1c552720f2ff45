#!/usr/bin/env python3
"""Writes roomtone.ttl and manifest.ttl.in: the mono and stereo variants of
the room-tone matcher share their control ports, so their Turtle is generated from
one description.  Run it after editing, and commit both outputs (the build
uses the .ttl files, not this script)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
URI = "urn:postsync:roomtone"

# symbol, name, comment, kind, default, minimum, maximum, unit, extra lines
controls_in = [
 ("learn", "Learn",
  "On: learn the room tone of the production audio on the sidechain, under and between its speech; learning adds to what was learned before until clear.",
  "toggle", 0, 0, 1, None, None),
 ("clear", "Clear",
  "Rising edge forgets the learned room tone; the generated tone stops.", "trigger", 0, 0, 1, None, None),
 ("mode", "Mode",
  "Add: the room tone runs under the input all along. Difference: only what the input's own floor lacks, frequency by frequency. Gaps: only where the input is silent (no sample over -55 dBFS for 10 ms), with 20 ms fades. Tone only: the room tone alone, to print a room-tone track.",
  "enum", 0, 0, 3, None, [(0, "add"), (1, "difference"), (2, "gaps"), (3, "tone only")]),
 ("level", "Level",
  "Level of the generated tone relative to the learned one, dB.", "float", 0, -24, 12, "units:db", None),
 ("seed", "Seed",
  "Which of the endless room tones: the same seed gives the same tone at the same position of the session, on every render.",
  "int", 1, 0, 65535, None, None),
]
controls_out = [
 ("floor_db", "Floor", "RMS level of the learned room tone (floor and tones), dBFS (0 dB: a full-scale square wave); -120 while nothing is learned.", -120, -120, 0, "units:db", None),
 ("learned_seconds", "Learned", "Seconds of production audio learned from.", 0, 0, 100000, "units:s", None),
 ("tones", "Tones", "Stationary tones found (mains hum and its harmonics, fans, lights).", 0, 0, 32, None, "lv2:portProperty lv2:integer ;"),
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
@prefix time:  <http://lv2plug.in/ns/ext/time#> .
@prefix work:  <http://lv2plug.in/ns/ext/worker#> .

# The two variants of the Postsync room-tone matcher share one binary and
# the same control ports (indices 0-8); then come the dialogue track's
# inputs, the production's (sidechain) inputs and the outputs.  Port
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

<urn:postsync:roomtone#profile>
\ta lv2:Parameter ;
\trdfs:label "Room tone profile" ;
\trdfs:comment "The learned room tone: floor spectrum per Hz on a log-frequency grid, stationary tones, level fluctuation, stereo coherence: a versioned little-endian binary chunk, the same at every sample rate." ;
\trdfs:range atom:Chunk .
""")
for sym, label, gclass, chans in variants:
    uri = f"{URI}#{sym}"
    w(f"<{uri}_settings>\n\ta pg:Group ;\n\tlv2:symbol \"settings\" ;\n\trdfs:label \"Settings\" .\n")
    w(f"<{uri}_readings>\n\ta pg:Group ;\n\tlv2:symbol \"readings\" ;\n\trdfs:label \"Readings\" .\n")
    w(f"<{uri}_in>\n\ta {gclass}, pg:InputGroup ;\n\tlv2:symbol \"in\" ;\n\trdfs:label \"Dialogue track\" .\n")
    w(f"<{uri}_sc>\n\ta {gclass}, pg:InputGroup ;\n\tlv2:symbol \"sc\" ;\n\trdfs:label \"Production (sidechain)\" ;\n\tpg:sideChainOf <{uri}_in> .\n")
    w(f"<{uri}_out>\n\ta {gclass}, pg:OutputGroup ;\n\tlv2:symbol \"out\" ;\n\trdfs:label \"Output\" ;\n\tpg:source <{uri}_in> .\n")
    w(f"<{uri}>\n\ta lv2:Plugin, lv2:GeneratorPlugin ;")
    w(f"\tdoap:name \"Postsync Room Tone {label}\" ;")
    w(f"\tdoap:shortdesc \"Learns a set's room tone and generates it under dialogue, {label.lower()}\" ;")
    w("\trdfs:comment \"Learns the background of the production audio (sidechain) under and between its speech: broadband floor by minimum statistics, stationary tones, slow level changes, stereo coherence; and generates it under the dialogue track, never looped: fresh random-phase spectra every 43 ms, tones as stable sinusoids, the same for the same seed at the same position of the session. What was learned is saved with the session.\" ;")
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
        if kind == "toggle":
            p.append("\t\tlv2:portProperty lv2:toggled ;")
            p.append("\t\tlv2:default false ;\n\t\tlv2:minimum false ;\n\t\tlv2:maximum true")
        elif kind == "int":
            p.append("\t\tlv2:portProperty lv2:integer ;")
            p.append(f"\t\tlv2:default {d} ;\n\t\tlv2:minimum {lo} ;\n\t\tlv2:maximum {hi}")
        elif kind in ("trigger", "toggle_on"):
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
        if unit:
            p.append(f"\t\tunits:unit {unit} ;")
        p.append(f"\t\tlv2:default {num(d)} ;\n\t\tlv2:minimum {num(lo)} ;\n\t\tlv2:maximum {num(hi)}")
        ports.append(p)
        idx += 1
    ports.append(["\t\ta lv2:InputPort, atom:AtomPort ;", "\t\tatom:bufferType atom:Sequence ;", "\t\tatom:supports time:Position ;", "\t\tlv2:designation lv2:control ;", "\t\tlv2:portProperty lv2:connectionOptional ;", f"\t\tlv2:index {idx} ;", "\t\tlv2:symbol \"control\" ;", "\t\tlv2:name \"Control\" ;", "\t\trdfs:comment \"Transport position from the host: the tone follows the session's timeline.\" ;", f"\t\tpg:group <{uri}_settings>"])
    idx += 1
    for io, cls, grp, prefix, name, com in (
            ("in", "lv2:InputPort", "_in", "in", "Input", "The dialogue track to fill"),
            ("sc", "lv2:InputPort", "_sc", "sc", "Production", "The production audio to learn the room tone from (sidechain)"),
            ("out", "lv2:OutputPort", "_out", "out", "Output", "The track with room tone")):
        for suffix, lname, role in chans:
            p = [f"\t\ta {cls}, lv2:AudioPort ;", f"\t\tlv2:index {idx} ;", f"\t\tlv2:symbol \"{prefix}{suffix}\" ;", f"\t\tlv2:name \"{name}{lname}\" ;", f"\t\trdfs:comment \"{com}{(',' + lname) if lname else ''}.\" ;", f"\t\tpg:group <{uri}{grp}> ;"]
            if io == "sc":
                p.append("\t\tlv2:portProperty lv2:isSideChain ;")
            p.append(f"\t\tlv2:designation {role}")
            ports.append(p)
            idx += 1
    w("\tlv2:port [\n" + "\n\t] , [\n".join("\n".join(p) for p in ports) + "\n\t] .\n")
open(os.path.join(HERE, "roomtone.ttl"), "w").write("\n".join(out))
m = ["@prefix lv2:  <http://lv2plug.in/ns/lv2core#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"]
for sym, *_ in variants:
    m.append(f"<{URI}#{sym}>\n\ta lv2:Plugin ;\n\tlv2:binary <roomtone@SHLIB_EXT@> ;\n\trdfs:seeAlso <roomtone.ttl> .\n")
open(os.path.join(HERE, "manifest.ttl.in"), "w").write("\n".join(m))
