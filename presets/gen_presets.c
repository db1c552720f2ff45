/* Writes the LV2 preset bundle of the suite (manifest.ttl and presets.ttl
   into the folder given): the loudness meter's from the delivery table of
   the core, so that the presets, `postsync loudness --spec` and the README
   agree; EQ match's and room tone's from the tables below.

   Every preset exists once per plugin variant, with its own URI: a preset
   shared between variants is something hosts handle badly. */
#include "delivery.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const variants[] = {"mono", "stereo", "51", "71"};
#define N_VARIANTS (sizeof(variants) / sizeof(variants[0]))
static const char *const sidechain_variants[] = {"mono", "stereo"};

/* A preset of a plugin with mono and stereo variants: its name (in the
   URI), label, comment, and up to five port values. */
typedef struct {
  const char *name, *label, *comment;
  struct {
    const char *symbol;
    double value;
  } ports[5];
} Preset;

/* EQ match: how much of the difference to take, and how finely. */
static const Preset eqmatch_presets[] = {
  {"full", "Full match",
   "All of the difference between the take and the production, at 1/6 octave: the take sounds "
   "like the production mic and room.",
   {{"amount", 100}, {"smoothing", 1.0 / 6.0}, {"max_gain", 12}, {"low_hz", 40}, {"high_hz", 18000}}},
  {"gentle", "Gentle: half, broad",
   "Half of the difference at 1/3 octave, at most 6 dB: the take nudged towards the production "
   "without copying its faults.",
   {{"amount", 50}, {"smoothing", 1.0 / 3.0}, {"max_gain", 6}, {"low_hz", 40}, {"high_hz", 18000}}},
  {"tonal", "Tonal balance only",
   "Octave-wide: the production's overall tilt, none of its narrow resonances.",
   {{"amount", 100}, {"smoothing", 1.0}, {"max_gain", 6}, {"low_hz", 40}, {"high_hz", 18000}}},
  {"fine", "Fine: booth to location",
   "All of the difference at 1/12 octave, up to 18 dB: a studio or booth take matched to a "
   "location mic, resonances of the room included.",
   {{"amount", 100}, {"smoothing", 1.0 / 12.0}, {"max_gain", 18}, {"low_hz", 40}, {"high_hz", 18000}}},
  {"speech-band", "Speech band only",
   "All of the difference at 1/6 octave between 120 Hz and 8 kHz, nothing outside: rumble and air "
   "left as the take has them.",
   {{"amount", 100}, {"smoothing", 1.0 / 6.0}, {"max_gain", 12}, {"low_hz", 120}, {"high_hz", 8000}}},
};

/* Room tone: how the learned tone is laid in. */
static const Preset roomtone_presets[] = {
  {"under-adr", "Under ADR: what its floor lacks",
   "Difference mode at the learned level: an ADR take with some room of its own gets only what "
   "the production's room has more.",
   {{"mode", 1}, {"level", 0}}},
  {"fill-gaps", "Fill the gaps of an edited track",
   "Gaps mode at the learned level: the room tone only where the track is silent, with 20 ms "
   "fades.",
   {{"mode", 2}, {"level", 0}}},
  {"tone-track", "Print a room-tone track",
   "Tone only at the learned level: the room tone alone, to print on an empty track.",
   {{"mode", 3}, {"level", 0}}},
  {"add-3", "Add under everything, -3 dB",
   "Add mode 3 dB under the learned level: a bed under the whole track, for takes with no room at "
   "all.",
   {{"mode", 0}, {"level", -3}}},
};

/* Writes a table's presets for every variant of `plugin`. */
static void
write_presets(FILE *manifest, FILE *presets, const char *plugin, const Preset *table,
              size_t count)
{
  for (size_t v = 0; v < 2; ++v) {
    for (size_t i = 0; i < count; ++i) {
      char uri[256];
      snprintf(uri, sizeof(uri), "urn:postsync:%s:preset:%s:%s", plugin, sidechain_variants[v],
               table[i].name);
      fprintf(manifest,
              "<%s>\n\ta pset:Preset ;\n\tlv2:appliesTo <urn:postsync:%s#%s> ;\n"
              "\trdfs:seeAlso <presets.ttl> .\n\n",
              uri, plugin, sidechain_variants[v]);
      fprintf(presets,
              "<%s>\n\ta pset:Preset ;\n\tlv2:appliesTo <urn:postsync:%s#%s> ;\n"
              "\trdfs:label \"%s\" ;\n\trdfs:comment \"%s\" ;\n\tlv2:port ",
              uri, plugin, sidechain_variants[v], table[i].label, table[i].comment);
      for (size_t k = 0; k < 5 && table[i].ports[k].symbol; ++k) {
        /* a decimal literal: the ports are floats */
        const double value = table[i].ports[k].value;
        fprintf(presets,
                value == floor(value) ? "%s[\n\t\tlv2:symbol \"%s\" ;\n\t\tpset:value %.1f\n\t]"
                                      : "%s[\n\t\tlv2:symbol \"%s\" ;\n\t\tpset:value %.6f\n\t]",
                k ? " , " : "", table[i].ports[k].symbol, value);
      }
      fprintf(presets, " .\n\n");
    }
  }
}

static FILE *
open_in(const char *dir, const char *name)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "gen_presets: cannot write %s\n", path);
  }
  return f;
}

int
main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: gen_presets DIR\n");
    return 2;
  }
  FILE *manifest = open_in(argv[1], "manifest.ttl");
  FILE *presets = open_in(argv[1], "presets.ttl");
  if (!manifest || !presets) {
    return 1;
  }
  const char *prefixes = "@prefix lv2:  <http://lv2plug.in/ns/lv2core#> .\n"
                         "@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n"
                         "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n";
  fprintf(manifest, "# Generated by presets/gen_presets.c.\n%s",
          prefixes);
  fprintf(presets, "# Generated by presets/gen_presets.c.\n%s",
          prefixes);
  size_t n;
  const PsDelivery *t = ps_delivery_table(&n);
  for (size_t v = 0; v < N_VARIANTS; ++v) {
    for (size_t i = 0; i < n; ++i) {
      char uri[256];
      snprintf(uri, sizeof(uri), "urn:postsync:loudness:preset:%s:%s", variants[v], t[i].name);
      fprintf(manifest,
              "<%s>\n\ta pset:Preset ;\n\tlv2:appliesTo <urn:postsync:loudness#%s> ;\n"
              "\trdfs:seeAlso <presets.ttl> .\n\n",
              uri, variants[v]);
      fprintf(presets,
              "<%s>\n\ta pset:Preset ;\n\tlv2:appliesTo <urn:postsync:loudness#%s> ;\n"
              "\trdfs:label \"%s: %.0f LUFS %s, %.0f dBTP\" ;\n"
              "\trdfs:comment \"Target %.1f LUFS +-%.1f LU on %s loudness, true peak at most "
              "%.1f dBTP. Source: %s.\" ;\n"
              "\tlv2:port [\n\t\tlv2:symbol \"target\" ;\n\t\tpset:value %.1f\n\t] , [\n"
              "\t\tlv2:symbol \"tp_limit\" ;\n\t\tpset:value %.1f\n\t] , [\n"
              "\t\tlv2:symbol \"target_gate\" ;\n\t\tpset:value %d.0\n\t] .\n\n",
              uri, variants[v], t[i].title, t[i].target_lufs,
              t[i].dialogue_gated ? "dialogue-gated" : "programme", t[i].truepeak_limit,
              t[i].target_lufs, t[i].tolerance_lu,
              t[i].dialogue_gated ? "dialogue-gated" : "programme", t[i].truepeak_limit,
              t[i].source, t[i].target_lufs, t[i].truepeak_limit, t[i].dialogue_gated ? 1 : 0);
    }
  }
  write_presets(manifest, presets, "eqmatch", eqmatch_presets,
                sizeof(eqmatch_presets) / sizeof(eqmatch_presets[0]));
  write_presets(manifest, presets, "roomtone", roomtone_presets,
                sizeof(roomtone_presets) / sizeof(roomtone_presets[0]));
  const int bad = ferror(manifest) | ferror(presets);
  return (fclose(manifest) | fclose(presets) | bad) ? 1 : 0;
}
