#!/usr/bin/env python3
"""Lays audio files on a saved Ardour 7 session's tracks, as recording them
would have: each file becomes a source in the session's audiofiles folder,
a whole-file region, and a region on the track's playlist at a position;
the session range then spans them all.  (Headless Ardour 7.3 cannot import
files from Lua, and recording them through JACK is at the mercy of jackd.)

    place.py SESSION_DIR NAME SECONDS TRACK=FILE.wav...

SECONDS: where the regions start on the timeline.  The files must be mono,
at the session's rate, in a format Ardour reads (the test writes 32-bit
float WAV with sox).  The .ardour file is rewritten in place."""
import os
import shutil
import sys
import xml.etree.ElementTree as ET

SUPERCLOCK = 282240000  # Ardour 7's superclock ticks per second


def frames_of(path):
    """Sample frames of a mono 32-bit float WAV, from its data chunk."""
    with open(path, "rb") as f:
        head = f.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            sys.exit(f"place.py: {path} is not a WAV file")
        while True:
            chunk = f.read(8)
            if len(chunk) < 8:
                sys.exit(f"place.py: {path} has no data chunk")
            size = int.from_bytes(chunk[4:], "little")
            if chunk[:4] == b"data":
                return size // 4
            f.seek(size + (size & 1), 1)


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    folder, name, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    path = os.path.join(folder, name + ".ardour")
    tree = ET.parse(path)
    root = tree.getroot()
    rate = int(root.get("sample-rate"))
    next_id = int(root.get("id-counter"))

    def new_id():
        nonlocal next_id
        next_id += 1
        return str(next_id)

    sources = root.find("Sources")
    if sources is None:
        sources = ET.SubElement(root, "Sources")
    regions = root.find("Regions")
    if regions is None:
        regions = ET.SubElement(root, "Regions")
    playlists = {p.get("name"): p for p in root.find("Playlists").findall("Playlist")}
    # the one folder Ardour made in interchange/ (named after the session's
    # folder, not its snapshot)
    inter = os.path.join(folder, "interchange")
    subs = [d for d in os.listdir(inter) if os.path.isdir(os.path.join(inter, d))]
    if len(subs) != 1:
        sys.exit(f"place.py: {inter} should hold one folder, not {len(subs)}")
    audio_dir = os.path.join(inter, subs[0], "audiofiles")
    os.makedirs(audio_dir, exist_ok=True)
    position = round(seconds * SUPERCLOCK)
    end = position
    for spec in sys.argv[4:]:
        track, _, wav = spec.partition("=")
        if track not in playlists:
            sys.exit(f"place.py: the session has no playlist '{track}'")
        n = frames_of(wav)
        ticks = n * SUPERCLOCK // rate
        end = max(end, position + ticks)
        source_name = f"{track}.wav"
        shutil.copyfile(wav, os.path.join(audio_dir, source_name))
        sid = new_id()
        ET.SubElement(sources, "Source", {
            "name": source_name, "type": "audio", "flags": "", "id": sid, "channel": "0",
            "origin": "", "gain": "1", "natural-position": f"a{position}"})
        common = {
            "muted": "0", "opaque": "1", "locked": "0", "video-locked": "0", "import": "0",
            "external": "0", "sync-marked": "0", "left-of-split": "0", "right-of-split": "0",
            "hidden": "0", "position-locked": "0", "valid-transients": "0", "start": "a0",
            "sync-position": "a0", "ancestral-start": "a0", "ancestral-length": "a0@a0",
            "stretch": "1", "shift": "1", "layering-index": "0", "tags": "", "contents": "0",
            "envelope-active": "0", "default-fade-in": "0", "default-fade-out": "0",
            "fade-in-active": "1", "fade-out-active": "1", "scale-amplitude": "1",
            "type": "audio", "first-edit": "nothing", "source-0": sid, "master-source-0": sid,
            "channels": "1"}
        ET.SubElement(regions, "Region", dict(common, **{
            "name": track, "automatic": "1", "whole-file": "1", "id": new_id(),
            "length": f"a{ticks}@a0"}))
        ET.SubElement(playlists[track], "Region", dict(common, **{
            "name": track + ".1", "automatic": "0", "whole-file": "0", "id": new_id(),
            "length": f"a{ticks}@a{position}"}))
    locations = root.find("Locations")
    session_range = [l for l in locations.findall("Location") if "IsSessionRange" in l.get("flags", "")]
    if session_range:
        loc = session_range[0]
    else:
        loc = ET.SubElement(locations, "Location", {
            "id": new_id(), "name": "session", "flags": "IsSessionRange", "locked": "0",
            "timestamp": "0", "cue": "0"})
    loc.set("start", "a0")
    loc.set("end", f"a{end}")
    root.set("id-counter", str(next_id + 1))
    tree.write(path + ".tmp", encoding="UTF-8", xml_declaration=True)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
