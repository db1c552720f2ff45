#!/usr/bin/env python3
"""Writes loudness.ttl and manifest.ttl.in: the four meter variants share
their control ports, so their Turtle is generated from one description.
Run it after editing, and commit both outputs (the build uses the .ttl files,
not this script)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import sidechain_bundle  # noqa: E402  (the inline display's types)

HERE = os.path.dirname(os.path.abspath(__file__))
controls_in = [
 ("reset","Reset","Rising edge clears every reading and starts a new measurement.", "trigger", 0,0,1, None),
 ("follow_transport","Follow transport","On: integrate only while the host's transport rolls (time:Position). Momentary and short-term keep following the input.", "toggle", 0,0,1, None),
 ("target","Target","Delivery target of the integrated loudness; deviation = integrated - target.", "float", -23,-40,0, "psu:lufs"),
 ("tp_limit","True-peak limit","Highest true peak the delivery allows; tp_over lights above it.", "float", -1,-10,0, "psu:dbtp"),
]
controls_out = [
 ("momentary","Momentary","Loudness of the last 400 ms, updated every 5 ms (BS.1770-5). -120 while undefined.", -120,-120,20,"psu:lufs"),
 ("shortterm","Short-term","Loudness of the last 3 s, updated every 5 ms. -120 while undefined.", -120,-120,20,"psu:lufs"),
 ("integrated","Integrated","Gated programme loudness since reset (BS.1770-5: -70 LUFS absolute, -10 LU relative gate). -120 while undefined.", -120,-120,20,"psu:lufs"),
 ("range","Loudness range","LRA since reset (EBU Tech 3342: short-term values gated at -70 LUFS and -20 LU, 10 % to 95 %).", 0,0,60,"psu:lu"),
 ("momentary_max","Momentary max","Largest momentary loudness since reset, on the 5 ms grid.", -120,-120,20,"psu:lufs"),
 ("shortterm_max","Short-term max","Largest short-term loudness since reset, on the 5 ms grid.", -120,-120,20,"psu:lufs"),
 ("truepeak","True peak","Largest true peak since reset, over all channels (4x oversampled, BS.1770-5 Annex 2).", -120,-120,20,"psu:dbtp"),
 ("samplepeak","Sample peak","Largest absolute sample since reset, over all channels.", -120,-120,20,"units:db"),
 ("plr","Peak to loudness ratio","True peak minus integrated loudness. -120 while undefined.", -120,-120,140,"units:db"),
 ("deviation","Deviation","Integrated loudness minus target: the programme integrated, or the dialogue-gated one when target_gate is dialogue. -120 while undefined.", -120,-120,120,"psu:lu"),
]
variants = [
 ("mono","Mono","pg:MonoGroup",[("in","Input","pg:center")],"lv2:AnalyserPlugin"),
 ("stereo","Stereo","pg:StereoGroup",[("in_l","Left","pg:left"),("in_r","Right","pg:right")],None),
 ("51","5.1","pg:FivePointOneGroup",[("in_l","Left","pg:left"),("in_r","Right","pg:right"),("in_c","Center","pg:center"),("in_lfe","LFE (not measured)","pg:lowFrequencyEffects"),("in_ls","Left surround","pg:rearLeft"),("in_rs","Right surround","pg:rearRight")],None),
 ("71","7.1","pg:SevenPointOneGroup",[("in_l","Left","pg:left"),("in_r","Right","pg:right"),("in_c","Center","pg:center"),("in_lfe","LFE (not measured)","pg:lowFrequencyEffects"),("in_lss","Left side surround","pg:sideLeft"),("in_rss","Right side surround","pg:sideRight"),("in_lrs","Left rear surround","pg:rearLeft"),("in_rrs","Right rear surround","pg:rearRight")],None),
]
weights = {"in_lfe":"excluded (weight 0)","in_ls":"weight 1.41","in_rs":"weight 1.41","in_lss":"weight 1.41 (+-90 degrees)","in_rss":"weight 1.41 (+-90 degrees)","in_lrs":"weight 1.0","in_rrs":"weight 1.0"}
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
@prefix time:  <http://lv2plug.in/ns/ext/time#> .
@prefix ui:    <http://lv2plug.in/ns/extensions/ui#> .
@prefix units: <http://lv2plug.in/ns/extensions/units#> .
@prefix urid:  <http://lv2plug.in/ns/ext/urid#> .
@prefix psu:   <urn:postsync:units#> .

# The four variants of the Postsync loudness meter share one binary and the
# same control ports (indices 0-15); the audio inputs, then the outputs,
# follow, one per channel.  Port symbols are an interface: sessions and
# scripts depend on them.

""" + sidechain_bundle.INLINE_TYPES + """
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

# Loudness units, which the LV2 units vocabulary does not have.
psu:lufs
\ta units:Unit ;
\trdfs:label "loudness units relative to full scale" ;
\tunits:symbol "LUFS" ;
\tunits:render "%.1f LUFS" .

psu:lu
\ta units:Unit ;
\trdfs:label "loudness units" ;
\tunits:symbol "LU" ;
\tunits:render "%.1f LU" .

psu:dbtp
\ta units:Unit ;
\trdfs:label "decibels true peak" ;
\tunits:symbol "dBTP" ;
\tunits:render "%.1f dBTP" .
""")
for sym,label,gclass,chans,_ in variants:
    uri = f"urn:postsync:loudness#{sym}"
    n = len(chans)
    w(f"<{uri}_settings>\n\ta pg:Group ;\n\tlv2:symbol \"settings\" ;\n\trdfs:label \"Settings\" .\n")
    w(f"<{uri}_readings>\n\ta pg:Group ;\n\tlv2:symbol \"readings\" ;\n\trdfs:label \"Readings\" .\n")
    w(f"<{uri}_in>\n\ta {gclass}, pg:InputGroup ;\n\tlv2:symbol \"in\" ;\n\trdfs:label \"Input\" .\n")
    w(f"<{uri}_out>\n\ta {gclass}, pg:OutputGroup ;\n\tlv2:symbol \"out\" ;\n\trdfs:label \"Output (the input, unchanged)\" ;\n\tpg:source <{uri}_in> .\n")
    w(f"<{uri}>\n\ta lv2:Plugin, lv2:AnalyserPlugin ;")
    w(f"\tdoap:name \"Postsync Loudness {label}\" ;")
    w(f"\tdoap:shortdesc \"BS.1770 / EBU R128 loudness meter, {label.lower()}\" ;")
    w(f"\trdfs:comment \"ITU-R BS.1770-5 / EBU R128 loudness meter for {label.lower()} programmes: momentary, short-term, integrated, loudness range, true peak and sample peak, against a delivery target. The audio passes through unchanged, with no latency.\" ;")
    w("\tdoap:license <http://opensource.org/licenses/isc> ;")
    w("\tlv2:project <urn:postsync:project> ;")
    w("\tlv2:minorVersion 2 ;\n\tlv2:microVersion 0 ;")
    w("\tlv2:optionalFeature lv2:hardRTCapable, urid:map, <http://harrisonconsoles.com/lv2/inlinedisplay#queue_draw> ;")
    w("\tlv2:extensionData <http://harrisonconsoles.com/lv2/inlinedisplay#interface> ;")
    w(f"\tpg:mainInput <{uri}_in> ;\n\tpg:mainOutput <{uri}_out> ;")
    w("\tui:ui <urn:postsync:loudness#ui> ;")
    ports = []
    idx = 0
    for s,l,c,kind,d,lo,hi,unit in controls_in:
        p = [f"\t\ta lv2:InputPort, lv2:ControlPort ;", f"\t\tlv2:index {idx} ;", f"\t\tlv2:symbol \"{s}\" ;", f"\t\tlv2:name \"{l}\" ;", f"\t\trdfs:comment \"{c}\" ;", f"\t\tpg:group <{uri}_settings> ;"]
        if kind in ("trigger","toggle"):
            p.append("\t\tlv2:portProperty lv2:toggled" + (", pprop:trigger ;" if kind=="trigger" else " ;"))
            p.append(f"\t\tlv2:default 0 ;\n\t\tlv2:minimum 0 ;\n\t\tlv2:maximum 1")
        else:
            p.append(f"\t\tunits:unit {unit} ;")
            p.append(f"\t\tlv2:default {d:.1f} ;\n\t\tlv2:minimum {lo:.1f} ;\n\t\tlv2:maximum {hi:.1f}")
        ports.append(p); idx += 1
    for s,l,c,d,lo,hi,unit in controls_out:
        p = [f"\t\ta lv2:OutputPort, lv2:ControlPort ;", f"\t\tlv2:index {idx} ;", f"\t\tlv2:symbol \"{s}\" ;", f"\t\tlv2:name \"{l}\" ;", f"\t\trdfs:comment \"{c}\" ;", f"\t\tpg:group <{uri}_readings> ;", f"\t\tunits:unit {unit} ;", f"\t\tlv2:default {d:.1f} ;\n\t\tlv2:minimum {lo:.1f} ;\n\t\tlv2:maximum {hi:.1f}"]
        ports.append(p); idx += 1
    ports.append([f"\t\ta lv2:OutputPort, lv2:ControlPort ;", f"\t\tlv2:index {idx} ;", "\t\tlv2:symbol \"tp_over\" ;", "\t\tlv2:name \"True peak over\" ;", "\t\trdfs:comment \"On when the true peak since reset is above tp_limit.\" ;", f"\t\tpg:group <{uri}_readings> ;", "\t\tlv2:portProperty lv2:toggled ;", "\t\tlv2:default 0 ;\n\t\tlv2:minimum 0 ;\n\t\tlv2:maximum 1"]); idx += 1
    ports.append([f"\t\ta lv2:InputPort, atom:AtomPort ;", "\t\tatom:bufferType atom:Sequence ;", "\t\tatom:supports time:Position ;", "\t\tlv2:designation lv2:control ;", "\t\tlv2:portProperty lv2:connectionOptional ;", f"\t\tlv2:index {idx} ;", "\t\tlv2:symbol \"control\" ;", "\t\tlv2:name \"Control\" ;", "\t\trdfs:comment \"Transport position from the host, for follow_transport.\" ;", f"\t\tpg:group <{uri}_settings>"]); idx += 1
    for io,cls,grp in (("in","lv2:InputPort","_in"),("out","lv2:OutputPort","_out")):
        for s,l,role in chans:
            sym = s if io=="in" else "out"+s[2:]
            com = ("Channel " + l.lower() + " to measure" if io=="in" else "Channel " + l.lower() + ", passed through unchanged")
            if l == "Input": com = "Audio to measure" if io == "in" else "The input, passed through unchanged"
            if io=="in" and s in weights: com += ", " + weights[s]
            name = "Output" if (io == "out" and l == "Input") else l
            p = [f"\t\ta {cls}, lv2:AudioPort ;", f"\t\tlv2:index {idx} ;", f"\t\tlv2:symbol \"{sym}\" ;", f"\t\tlv2:name \"{name}\" ;", f"\t\trdfs:comment \"{com}.\" ;", f"\t\tpg:group <{uri}{grp}> ;", f"\t\tlv2:designation {role}"]
            ports.append(p); idx += 1
    ports.append([f"\t\ta lv2:InputPort, lv2:ControlPort ;", f"\t\tlv2:index {idx} ;", "\t\tlv2:symbol \"target_gate\" ;", "\t\tlv2:name \"Target gate\" ;", "\t\trdfs:comment \"Which integrated loudness deviation is judged on: the programme's, or the dialogue-gated one (falling back to the programme's when dialogue is under 15 % of it, as dialogue-gated delivery specs do).\" ;", f"\t\tpg:group <{uri}_settings> ;", "\t\tlv2:portProperty lv2:integer, lv2:enumeration ;", "\t\tlv2:default 0 ;\n\t\tlv2:minimum 0 ;\n\t\tlv2:maximum 1 ;", "\t\tlv2:scalePoint [\n\t\t\trdfs:label \"programme\" ;\n\t\t\trdf:value 0\n\t\t] , [\n\t\t\trdfs:label \"dialogue\" ;\n\t\t\trdf:value 1\n\t\t]"]); idx += 1
    ports.append([f"\t\ta lv2:OutputPort, lv2:ControlPort ;", f"\t\tlv2:index {idx} ;", "\t\tlv2:symbol \"dialogue\" ;", "\t\tlv2:name \"Dialogue-gated\" ;", "\t\trdfs:comment \"Dialogue-gated integrated loudness since reset: the power mean of the 400 ms blocks (75 % overlap) of which at least half the 10 ms frames are speech, above -70 LUFS, no relative gate. -120 while undefined.\" ;", f"\t\tpg:group <{uri}_readings> ;", "\t\tunits:unit psu:lufs ;", "\t\tlv2:default -120.0 ;\n\t\tlv2:minimum -120.0 ;\n\t\tlv2:maximum 20.0"]); idx += 1
    ports.append([f"\t\ta lv2:OutputPort, lv2:ControlPort ;", f"\t\tlv2:index {idx} ;", "\t\tlv2:symbol \"speech_pct\" ;", "\t\tlv2:name \"Speech\" ;", "\t\trdfs:comment \"Share of the measured time that is dialogue (the speech detector's 10 ms frames).\" ;", f"\t\tpg:group <{uri}_readings> ;", "\t\tunits:unit units:pc ;", "\t\tlv2:default 0.0 ;\n\t\tlv2:minimum 0.0 ;\n\t\tlv2:maximum 100.0"]); idx += 1
    w("\tlv2:port [\n" + "\n\t] , [\n".join("\n".join(p) for p in ports) + "\n\t] .\n")
open(os.path.join(HERE, "loudness.ttl"), "w").write("\n".join(out))
m = ["@prefix lv2:  <http://lv2plug.in/ns/lv2core#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix ui:   <http://lv2plug.in/ns/extensions/ui#> .\n"]
for sym,*_ in variants:
    m.append(f"<urn:postsync:loudness#{sym}>\n\ta lv2:Plugin ;\n\tlv2:binary <loudness@SHLIB_EXT@> ;\n\trdfs:seeAlso <loudness.ttl> .\n")
# the X11 UI: here, where the build fills in the binary's extension
m.append("<urn:postsync:loudness#ui>\n\ta ui:X11UI ;\n\tlv2:binary <loudness_ui@SHLIB_EXT@> ;\n"
         "\tlv2:requiredFeature ui:idleInterface ;\n\tlv2:optionalFeature ui:parent, ui:resize ;\n"
         "\tlv2:extensionData ui:idleInterface .\n")
open(os.path.join(HERE, "manifest.ttl.in"), "w").write("\n".join(m))
