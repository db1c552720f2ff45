#!/usr/bin/env python3
"""Writes roomtone.ttl and manifest.ttl.in: the mono and stereo variants of
the room-tone matcher share their control ports, so their Turtle is generated from
one description.  Run it after editing, and commit both outputs (the build
uses the .ttl files, not this script)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import sidechain_bundle  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
URI = "urn:postsync:roomtone"

# symbol, name, comment, kind (float, log, int, enum, toggle, trigger,
# enabled), default, minimum, maximum, unit, scale points
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

sidechain_bundle.write(HERE, {
    "name": "roomtone",
    "uri": URI,
    "comment": """# The two variants of the Postsync room-tone matcher share one binary and
# the same control ports (indices 0-8); then come the dialogue track's
# inputs, the production's (sidechain) inputs and the outputs.  Port
# symbols are an interface: sessions and scripts depend on them.
""",
    "parameter": """<urn:postsync:roomtone#profile>
\ta lv2:Parameter ;
\trdfs:label "Room tone profile" ;
\trdfs:comment "The learned room tone: floor spectrum per Hz on a log-frequency grid, stationary tones, level fluctuation, stereo coherence: a versioned little-endian binary chunk, the same at every sample rate." ;
\trdfs:range atom:Chunk .
""",
    "class": "lv2:GeneratorPlugin",
    "doap_name": "Postsync Room Tone",
    "shortdesc": "Learns a set's room tone and generates it under dialogue",
    "description": 'Learns the background of the production audio (sidechain) under and between its speech: broadband floor by minimum statistics, stationary tones, slow level changes, stereo coherence; and generates it under the dialogue track, never looped: fresh random-phase spectra every 43 ms, tones as stable sinusoids, the same for the same seed at the same position of the session. What was learned is saved with the session.',
    "groups": ('Dialogue track', 'Production (sidechain)', 'Output'),
    "controls_in": controls_in,
    "controls_out": controls_out,
    "transport": "Transport position from the host: the tone follows the session's timeline.",
    "audio": (('in', 'Input', 'The dialogue track to fill'), ('sc', 'Production', 'The production audio to learn the room tone from (sidechain)'), ('out', 'Output', 'The track with room tone')),
})
