"""The Turtle of a Postsync bundle whose plugins take a main input and a
sidechain (EQ match, room tone): mono and stereo variants sharing their
control ports.  A bundle's generate.py describes its plugin and calls
write(); the build uses the .ttl files it writes, not this script."""
import os

PREFIXES = """@prefix atom:  <http://lv2plug.in/ns/ext/atom#> .
@prefix doap:  <http://usefulinc.com/ns/doap#> .
@prefix foaf:  <http://xmlns.com/foaf/0.1/> .
@prefix lv2:   <http://lv2plug.in/ns/lv2core#> .
@prefix pg:    <http://lv2plug.in/ns/ext/port-groups#> .
@prefix pprop: <http://lv2plug.in/ns/ext/port-props#> .
@prefix rdf:   <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix state: <http://lv2plug.in/ns/ext/state#> .
@prefix time:  <http://lv2plug.in/ns/ext/time#> .
@prefix ui:    <http://lv2plug.in/ns/extensions/ui#> .
@prefix units: <http://lv2plug.in/ns/extensions/units#> .
@prefix urid:  <http://lv2plug.in/ns/ext/urid#> .
@prefix work:  <http://lv2plug.in/ns/ext/worker#> .
"""

PROJECT = """<urn:postsync:project>
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
"""

# Ardour's inline display (every Postsync plugin draws one)
INLINE_FEATURE = "<http://harrisonconsoles.com/lv2/inlinedisplay#queue_draw>"
INLINE_INTERFACE = "<http://harrisonconsoles.com/lv2/inlinedisplay#interface>"
# what they are, for validators that know only LV2's own vocabulary
INLINE_TYPES = f"""# Ardour's inline display (http://harrisonconsoles.com/lv2/inlinedisplay)
{INLINE_FEATURE}
\ta lv2:Feature .

{INLINE_INTERFACE}
\ta lv2:ExtensionData .
"""

VARIANTS = [
    ("mono", "Mono", "pg:MonoGroup", [("", "", "pg:center")]),
    ("stereo", "Stereo", "pg:StereoGroup", [("_l", " left", "pg:left"), ("_r", " right", "pg:right")]),
]


def num(v):
    return f"{v:.9g}" if isinstance(v, float) and v != int(v) else f"{float(v):.1f}"


def control_in(uri, idx, port):
    s, l, c, kind, d, lo, hi, unit, points = port
    p = ["\t\ta lv2:InputPort, lv2:ControlPort ;", f"\t\tlv2:index {idx} ;", f"\t\tlv2:symbol \"{s}\" ;",
         f"\t\tlv2:name \"{l}\" ;", f"\t\trdfs:comment \"{c}\" ;", f"\t\tpg:group <{uri}_settings> ;"]
    if kind in ("toggle", "trigger"):
        p.append("\t\tlv2:portProperty lv2:toggled" + (", pprop:trigger ;" if kind == "trigger" else " ;"))
        p.append("\t\tlv2:default 0 ;\n\t\tlv2:minimum 0 ;\n\t\tlv2:maximum 1")
    elif kind == "enabled":
        p.append("\t\tlv2:designation lv2:enabled ;")
        p.append("\t\tlv2:portProperty lv2:toggled ;")
        # 1, not true: lilv 0.24 (Debian 12) reads a boolean literal as 0,
        # which would start every instance bypassed
        p.append("\t\tlv2:default 1 ;\n\t\tlv2:minimum 0 ;\n\t\tlv2:maximum 1")
    elif kind == "int":
        p.append("\t\tlv2:portProperty lv2:integer ;")
        p.append(f"\t\tlv2:default {d} ;\n\t\tlv2:minimum {lo} ;\n\t\tlv2:maximum {hi}")
    elif kind == "enum":
        p.append("\t\tlv2:portProperty lv2:integer, lv2:enumeration ;")
        p.append(f"\t\tlv2:default {d} ;\n\t\tlv2:minimum {lo} ;\n\t\tlv2:maximum {hi} ;")
        p.append("\t\tlv2:scalePoint " + " , ".join(
            f"[\n\t\t\trdfs:label \"{t}\" ;\n\t\t\trdf:value {v}\n\t\t]" for v, t in points))
    else:
        if kind == "log":
            p.append("\t\tlv2:portProperty pprop:logarithmic ;")
        p.append(f"\t\tunits:unit {unit} ;")
        p.append(f"\t\tlv2:default {num(d)} ;\n\t\tlv2:minimum {num(lo)} ;\n\t\tlv2:maximum {num(hi)}")
    return p


def control_out(uri, idx, port):
    s, l, c, d, lo, hi, unit, extra = port
    p = ["\t\ta lv2:OutputPort, lv2:ControlPort ;", f"\t\tlv2:index {idx} ;", f"\t\tlv2:symbol \"{s}\" ;",
         f"\t\tlv2:name \"{l}\" ;", f"\t\trdfs:comment \"{c}\" ;", f"\t\tpg:group <{uri}_readings> ;"]
    if extra:
        p.append("\t\t" + extra)
    if unit:
        p.append(f"\t\tunits:unit {unit} ;")
    p.append(f"\t\tlv2:default {num(d)} ;\n\t\tlv2:minimum {num(lo)} ;\n\t\tlv2:maximum {num(hi)}")
    return p


def write(here, d):
    """d: name, uri, comment (the header), parameter (its Turtle), class,
    doap_name, shortdesc, description, groups (labels of in, sc, out),
    controls_in, controls_out, transport (comment of an optional
    time:Position input, or None), audio ((prefix, name, comment) for the
    main inputs, the sidechain inputs, the outputs).  Optional: variants
    (default mono and stereo; a variant with an empty symbol takes the bare
    URI), ui (the URI of an X11 UI in NAME_ui.so), features and
    extension_data (the lv2:optionalFeature and
    lv2:extensionData objects; default those of a plugin with a worker and
    state)."""
    out = [PREFIXES, d["comment"], PROJECT, INLINE_TYPES, d["parameter"]]
    w = out.append
    variants = d.get("variants", VARIANTS)
    features = d.get("features", "lv2:hardRTCapable, urid:map, work:schedule") + ", " + INLINE_FEATURE
    extension_data = ", ".join(x for x in (d.get("extension_data", "state:interface, work:interface"), INLINE_INTERFACE) if x)
    for sym, label, gclass, chans in variants:
        uri = f"{d['uri']}#{sym}" if sym else d["uri"]
        g_in, g_sc, g_out = d["groups"]
        w(f"<{uri}_settings>\n\ta pg:Group ;\n\tlv2:symbol \"settings\" ;\n\trdfs:label \"Settings\" .\n")
        w(f"<{uri}_readings>\n\ta pg:Group ;\n\tlv2:symbol \"readings\" ;\n\trdfs:label \"Readings\" .\n")
        w(f"<{uri}_in>\n\ta {gclass}, pg:InputGroup ;\n\tlv2:symbol \"in\" ;\n\trdfs:label \"{g_in}\" .\n")
        w(f"<{uri}_sc>\n\ta {gclass}, pg:InputGroup ;\n\tlv2:symbol \"sc\" ;\n\trdfs:label \"{g_sc}\" ;\n\tpg:sideChainOf <{uri}_in> .\n")
        w(f"<{uri}_out>\n\ta {gclass}, pg:OutputGroup ;\n\tlv2:symbol \"out\" ;\n\trdfs:label \"{g_out}\" ;\n\tpg:source <{uri}_in> .\n")
        w(f"<{uri}>\n\ta lv2:Plugin, {d['class']} ;")
        w(f"\tdoap:name \"{d['doap_name']}{' ' + label if label else ''}\" ;")
        w(f"\tdoap:shortdesc \"{d['shortdesc']}{', ' + label.lower() if label else ''}\" ;")
        w(f"\trdfs:comment \"{d['description']}\" ;")
        w("\tdoap:license <http://opensource.org/licenses/isc> ;")
        w("\tlv2:project <urn:postsync:project> ;")
        minor, micro = d.get("version", (2, 0))
        w(f"\tlv2:minorVersion {minor} ;\n\tlv2:microVersion {micro} ;")
        w(f"\tlv2:optionalFeature {features} ;")
        if extension_data:
            w(f"\tlv2:extensionData {extension_data} ;")
        w(f"\tpg:mainInput <{uri}_in> ;\n\tpg:mainOutput <{uri}_out> ;")
        if d.get("ui"):
            w(f"\tui:ui <{d['ui']}> ;")
        ports = []
        for port in d["controls_in"]:
            ports.append(control_in(uri, len(ports), port))
        for port in d["controls_out"]:
            ports.append(control_out(uri, len(ports), port))
        if d["transport"]:
            ports.append(["\t\ta lv2:InputPort, atom:AtomPort ;", "\t\tatom:bufferType atom:Sequence ;",
                          "\t\tatom:supports time:Position ;", "\t\tlv2:designation lv2:control ;",
                          "\t\tlv2:portProperty lv2:connectionOptional ;", f"\t\tlv2:index {len(ports)} ;",
                          "\t\tlv2:symbol \"control\" ;", "\t\tlv2:name \"Control\" ;",
                          f"\t\trdfs:comment \"{d['transport']}\" ;", f"\t\tpg:group <{uri}_settings>"])
        for (prefix, name, com), grp, cls in zip(d["audio"], ("_in", "_sc", "_out"),
                                                 ("lv2:InputPort", "lv2:InputPort", "lv2:OutputPort")):
            for suffix, lname, role in chans:
                p = [f"\t\ta {cls}, lv2:AudioPort ;", f"\t\tlv2:index {len(ports)} ;",
                     f"\t\tlv2:symbol \"{prefix}{suffix}\" ;", f"\t\tlv2:name \"{name}{lname}\" ;",
                     f"\t\trdfs:comment \"{com}{(',' + lname) if lname else ''}.\" ;", f"\t\tpg:group <{uri}{grp}> ;"]
                if grp == "_sc":
                    p.append("\t\tlv2:portProperty lv2:isSideChain ;")
                p.append(f"\t\tlv2:designation {role}")
                ports.append(p)
        w("\tlv2:port [\n" + "\n\t] , [\n".join("\n".join(p) for p in ports) + "\n\t] .\n")
    name = d["name"]
    open(os.path.join(here, f"{name}.ttl"), "w").write("\n".join(out))
    m = ["@prefix lv2:  <http://lv2plug.in/ns/lv2core#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
         + ("@prefix ui:   <http://lv2plug.in/ns/extensions/ui#> .\n" if d.get("ui") else "")]
    for sym, *_ in variants:
        m.append(f"<{d['uri']}{'#' + sym if sym else ''}>\n\ta lv2:Plugin ;\n\tlv2:binary <{name}@SHLIB_EXT@> ;\n\trdfs:seeAlso <{name}.ttl> .\n")
    if d.get("ui"):
        # the X11 UI: here, where the build fills in the binary's extension;
        # instance-access and data-access let it read the plugin's curves
        m.append(f"<{d['ui']}>\n\ta ui:X11UI ;\n\tlv2:binary <{name}_ui@SHLIB_EXT@> ;\n"
                 "\tlv2:requiredFeature ui:idleInterface ;\n"
                 "\tlv2:optionalFeature ui:parent, ui:resize, <http://lv2plug.in/ns/ext/instance-access>, "
                 "<http://lv2plug.in/ns/ext/data-access> ;\n"
                 "\tlv2:extensionData ui:idleInterface .\n")
    open(os.path.join(here, "manifest.ttl.in"), "w").write("\n".join(m))
