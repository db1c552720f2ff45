#!/usr/bin/env python3
"""Writes lipsync.ttl and manifest.ttl.in, through the bundle writer the
other sidechain plugins use (one mono variant at the bare URI, no worker, no
state).  Run it after editing, and commit both outputs (the build uses the
.ttl files, not this script)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import sidechain_bundle  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
URI = "urn:postsync:lipsync"

# symbol, name, comment, kind, default, minimum, maximum, unit, scale points
controls_in = [
 ("max_shift", "Max shift",
  "How far a word may move from where the take has it, ms. It is also the look-ahead: the latency is this plus 576 ms. Changing it starts the alignment afresh.",
  "float", 1000, 100, 2000, "units:ms", None),
 ("flexibility", "Flexibility",
  "0: the take keeps its own rhythm between anchor points about half a second apart; 1: it follows the guide syllable by syllable.",
  "float", 1, 0, 1, "units:coef", None),
 ("protect", "Protect",
  "On: the take's sound (not its pauses) plays within 25 % of its own speed, so that a word, breath or noise the guide lacks is not squeezed to fit; the difference goes into the take's next pause, at some cost to the sync of the words around it.",
  "toggle", 0, 0, 1, None, None),
 ("enabled", "Enabled",
  "Off: the take passes through unchanged, delayed by the same latency, with a 10 ms crossfade.",
  "enabled", 1, 0, 1, None, None),
]
controls_out = [
 ("latency", "Latency", "Delay of the output, samples: max shift plus 576 ms, the same when bypassed.", 0, 0, 500000, "units:frame", "lv2:designation lv2:latency ;\n\t\tlv2:portProperty lv2:integer ;"),
 ("offset_ms", "Offset", "Where the take is against the guide at the output's position, ms: positive when the take is late.", 0, -2000, 2000, "units:ms", None),
 ("stretch", "Stretch", "Take time per guide time at the output's position, over +-50 ms (1: as recorded, 2: played twice as fast); speech keeps to 0.5-2, a pause of the take held or skipped reads from 0 to 8.", 1, 0, 8, "units:coef", None),
 ("confidence", "Confidence", "How alike the guide and the take sound where they are matched: 0 nothing alike, 1 the same.", 0, 0, 1, "units:coef", None),
]

sidechain_bundle.write(HERE, {
    "name": "lipsync",
    "uri": URI,
    "comment": """# The Postsync lip-sync aligner: mono; control ports 0-7, the transport
# (8), then the take, the guide (sidechain) and the output.  Port symbols
# are an interface: sessions and scripts depend on them.
""",
    "parameter": "",
    "class": "lv2:DelayPlugin",
    "doap_name": "Postsync Lip Sync",
    "shortdesc": "Warps an ADR or dubbed take onto the guide's timing as it plays",
    "description": "Time-warps the take (main input) so that every syllable lands where the guide (sidechain: the production dialogue the picture was shot with) has it: mel-cepstral features that a different microphone, level, room or voice leave alike, dynamic time warping with a bounded look-ahead, pitch-preserving WSOLA rendering. The latency (max shift plus 576 ms) is reported for the host to compensate, so that the output lands on the guide's timeline. The output does not depend on the block size or on the rendering speed.",
    "variants": [("", "", "pg:MonoGroup", [("", "", "pg:center")])],
    "features": "lv2:hardRTCapable, urid:map",
    # 4.0: the transport input came in as port 8 (the audio ports moved)
    "version": (4, 0),
    "extension_data": None,
    "groups": ('Take', 'Guide (sidechain)', 'Output'),
    "controls_in": controls_in,
    "controls_out": controls_out,
    "transport": "Transport position from the host: the alignment starts afresh where the transport starts rolling.",
    "audio": (('in', 'Take', 'The ADR or dubbed take to align'), ('sc', 'Guide', 'The guide: the production dialogue to align to (sidechain)'), ('out', 'Output', 'The aligned take')),
})
