#!/usr/bin/env python3
"""Writes eqmatch.ttl and manifest.ttl.in: the mono and stereo variants of
the EQ matcher share their control ports, so their Turtle is generated from
one description.  Run it after editing, and commit both outputs (the build
uses the .ttl files, not this script)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import sidechain_bundle  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
URI = "urn:postsync:eqmatch"

# symbol, name, comment, kind (float, log, int, enum, toggle, trigger,
# enabled), default, minimum, maximum, unit, scale points
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
  "enabled", 1, 0, 1, None, None),
]
controls_out = [
 ("latency", "Latency", "Delay of the output, samples: 0 in minimum phase, half the filter in linear phase, the same when bypassed.", 0, 0, 16384, "units:frame", "lv2:designation lv2:latency ;\n\t\tlv2:portProperty lv2:integer ;"),
 ("ref_seconds", "Reference speech", "Seconds of reference speech learned so far.", 0, 0, 100000, "units:s", None),
 ("take_seconds", "Take speech", "Seconds of take speech learned so far.", 0, 0, 100000, "units:s", None),
 ("correction_db", "Correction", "RMS size of the correction applied, dB, over the range low_hz..high_hz on a log-frequency scale; 0 when nothing is applied.", 0, 0, 24, "units:db", None),
]

sidechain_bundle.write(HERE, {
    "name": "eqmatch",
    "ui": "urn:postsync:eqmatch#ui",
    "uri": URI,
    "comment": """# The two variants of the Postsync EQ matcher share one binary and the same
# control ports (indices 0-12); then come the take's inputs, the
# reference's (sidechain) inputs and the outputs, one per channel.  Port
# symbols are an interface: sessions and scripts depend on them.
""",
    "parameter": """<urn:postsync:eqmatch#learned>
\ta lv2:Parameter ;
\trdfs:label "Learned spectra" ;
\trdfs:comment "Long-term speech and floor spectra of the reference and the take, and the settings of the correction in effect: a versioned little-endian binary chunk, the same at every sample rate." ;
\trdfs:range atom:Chunk .
""",
    "class": "lv2:EQPlugin",
    "doap_name": "Postsync EQ Match",
    "shortdesc": "Gives an ADR take the production mic's colour",
    "description": 'Learns the long-term spectrum of the production dialogue (sidechain) and of the ADR take (main input), speech only and each less its own noise floor, and filters the take by the difference: a minimum-phase (no latency) or linear-phase FIR filter, designed in the worker, crossfaded in, at the same loudness. What was learned is saved with the session.',
    "groups": ('Take', 'Reference (sidechain)', 'Output'),
    "controls_in": controls_in,
    "controls_out": controls_out,
    "transport": None,
    "audio": (('in', 'Take', 'The ADR take to correct'), ('sc', 'Reference', 'The production dialogue to match (sidechain)'), ('out', 'Output', 'The corrected take')),
})
