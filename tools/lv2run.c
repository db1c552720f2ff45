#include "lv2run.h"

#include <lv2/atom/atom.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/core/lv2.h>
#include <lv2/options/options.h>
#include <lv2/urid/urid.h>

#include <stdlib.h>
#include <string.h>

typedef enum { KIND_CONTROL_IN, KIND_CONTROL_OUT, KIND_AUDIO_IN, KIND_SIDECHAIN, KIND_AUDIO_OUT,
               KIND_ATOM_IN, KIND_ATOM_OUT, KIND_OTHER } Kind;

typedef struct {
  Kind kind;
  char *symbol;
  float value;
} Port;

#define MAX_URIS 256
#define ATOM_CAPACITY 8192

struct Lv2Run {
  LilvInstance *instance;
  const LilvPlugin *plugin;
  uint32_t n_ports;
  Port *ports;
  unsigned n_in, n_out, n_sc, n_control_out;
  uint32_t max_block;
  float *silence; /* for sidechains the caller does not feed */
  LV2_Atom_Sequence *atom_in;
  LV2_Atom_Sequence *atom_out;
  char *uris[MAX_URIS];
  unsigned n_uris;
  LV2_URID_Map map;
  LV2_Feature map_feature;
  LV2_Options_Option options[3];
  LV2_Feature options_feature;
  LV2_Feature bounded_feature;
  const LV2_Feature *features[4];
  int32_t block_length;
};

static LV2_URID
map_uri(LV2_URID_Map_Handle handle, const char *uri)
{
  Lv2Run *r = (Lv2Run *)handle;
  for (unsigned i = 0; i < r->n_uris; ++i) {
    if (!strcmp(r->uris[i], uri)) {
      return i + 1;
    }
  }
  if (r->n_uris == MAX_URIS) {
    return 0;
  }
  const size_t len = strlen(uri) + 1;
  r->uris[r->n_uris] = (char *)malloc(len);
  if (!r->uris[r->n_uris]) {
    return 0;
  }
  memcpy(r->uris[r->n_uris], uri, len);
  return ++r->n_uris;
}

LilvWorld *
lv2run_world(void)
{
#if defined(PS_BUILD_PLUGINS) && defined(PS_LV2DIR)
  setenv("LV2_PATH", PS_BUILD_PLUGINS ":" PS_LV2DIR, 0);
#endif
  LilvWorld *world = lilv_world_new();
  if (world) {
    lilv_world_load_all(world);
  }
  return world;
}

static bool
is_a(LilvWorld *w, const LilvPlugin *p, const LilvPort *port, const char *uri)
{
  LilvNode *n = lilv_new_uri(w, uri);
  const bool yes = lilv_port_is_a(p, port, n);
  lilv_node_free(n);
  return yes;
}

static bool
has_property(LilvWorld *w, const LilvPlugin *p, const LilvPort *port, const char *uri)
{
  LilvNode *n = lilv_new_uri(w, uri);
  const bool yes = lilv_port_has_property(p, port, n);
  lilv_node_free(n);
  return yes;
}

int
lv2run_open(Lv2Run **out, LilvWorld *world, const char *uri, double rate, uint32_t max_block,
            char *err, size_t err_size)
{
  *out = NULL;
  LilvNode *uri_node = lilv_new_uri(world, uri);
  const LilvPlugin *plugin =
    lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), uri_node);
  lilv_node_free(uri_node);
  if (!plugin) {
    snprintf(err, err_size, "plugin <%s> not found (is LV2_PATH right?)", uri);
    return -1;
  }
  Lv2Run *r = (Lv2Run *)calloc(1, sizeof(Lv2Run));
  if (!r) {
    snprintf(err, err_size, "out of memory");
    return -1;
  }
  r->plugin = plugin;
  r->max_block = max_block;
  r->block_length = (int32_t)max_block;
  r->n_ports = lilv_plugin_get_num_ports(plugin);
  r->ports = (Port *)calloc(r->n_ports, sizeof(Port));
  r->silence = (float *)calloc(max_block, sizeof(float));
  r->atom_in = (LV2_Atom_Sequence *)calloc(1, sizeof(LV2_Atom_Sequence) + ATOM_CAPACITY);
  r->atom_out = (LV2_Atom_Sequence *)calloc(1, sizeof(LV2_Atom_Sequence) + ATOM_CAPACITY);
  if (!r->ports || !r->silence || !r->atom_in || !r->atom_out) {
    lv2run_close(&r);
    snprintf(err, err_size, "out of memory");
    return -1;
  }

  float *defaults = (float *)calloc(r->n_ports, sizeof(float));
  lilv_plugin_get_port_ranges_float(plugin, NULL, NULL, defaults);
  for (uint32_t i = 0; i < r->n_ports; ++i) {
    const LilvPort *port = lilv_plugin_get_port_by_index(plugin, i);
    const char *sym = lilv_node_as_string(lilv_port_get_symbol(plugin, port));
    Port *p = &r->ports[i];
    p->symbol = strdup(sym);
    p->value = defaults && defaults[i] == defaults[i] ? defaults[i] : 0.0f;
    const bool input = is_a(world, plugin, port, LV2_CORE__InputPort);
    if (is_a(world, plugin, port, LV2_CORE__ControlPort)) {
      p->kind = input ? KIND_CONTROL_IN : KIND_CONTROL_OUT;
      r->n_control_out += !input;
    } else if (is_a(world, plugin, port, LV2_CORE__AudioPort)) {
      if (!input) {
        p->kind = KIND_AUDIO_OUT;
        ++r->n_out;
      } else if (has_property(world, plugin, port, LV2_CORE_PREFIX "isSideChain")) {
        p->kind = KIND_SIDECHAIN;
        ++r->n_sc;
      } else {
        p->kind = KIND_AUDIO_IN;
        ++r->n_in;
      }
    } else if (is_a(world, plugin, port, LV2_ATOM__AtomPort)) {
      p->kind = input ? KIND_ATOM_IN : KIND_ATOM_OUT;
    } else {
      p->kind = KIND_OTHER;
    }
  }
  free(defaults);

  r->map.handle = r;
  r->map.map = map_uri;
  r->map_feature.URI = LV2_URID__map;
  r->map_feature.data = &r->map;
  const LV2_URID atom_int = map_uri(r, LV2_ATOM__Int);
  r->options[0] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0,
                                       map_uri(r, LV2_BUF_SIZE__maxBlockLength),
                                       sizeof(int32_t), atom_int, &r->block_length};
  r->options[1] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0,
                                       map_uri(r, LV2_BUF_SIZE__nominalBlockLength),
                                       sizeof(int32_t), atom_int, &r->block_length};
  r->options[2] = (LV2_Options_Option){LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, NULL};
  r->options_feature.URI = LV2_OPTIONS__options;
  r->options_feature.data = r->options;
  r->bounded_feature.URI = LV2_BUF_SIZE__boundedBlockLength;
  r->bounded_feature.data = NULL;
  r->features[0] = &r->map_feature;
  r->features[1] = &r->options_feature;
  r->features[2] = &r->bounded_feature;
  r->features[3] = NULL;

  r->instance = lilv_plugin_instantiate(plugin, rate, r->features);
  if (!r->instance) {
    snprintf(err, err_size, "plugin <%s> failed to instantiate at %.0f Hz", uri, rate);
    lv2run_close(&r);
    return -1;
  }
  for (uint32_t i = 0; i < r->n_ports; ++i) {
    Port *p = &r->ports[i];
    switch (p->kind) {
    case KIND_CONTROL_IN:
    case KIND_CONTROL_OUT:
      lilv_instance_connect_port(r->instance, i, &p->value);
      break;
    case KIND_SIDECHAIN:
      lilv_instance_connect_port(r->instance, i, r->silence);
      break;
    case KIND_ATOM_IN:
      lilv_instance_connect_port(r->instance, i, r->atom_in);
      break;
    case KIND_ATOM_OUT:
      lilv_instance_connect_port(r->instance, i, r->atom_out);
      break;
    default:
      lilv_instance_connect_port(r->instance, i, NULL);
      break;
    }
  }
  lilv_instance_activate(r->instance);
  *out = r;
  return 0;
}

void
lv2run_close(Lv2Run **pr)
{
  Lv2Run *r = *pr;
  if (!r) {
    return;
  }
  if (r->instance) {
    lilv_instance_deactivate(r->instance);
    lilv_instance_free(r->instance);
  }
  for (uint32_t i = 0; r->ports && i < r->n_ports; ++i) {
    free(r->ports[i].symbol);
  }
  for (unsigned i = 0; i < r->n_uris; ++i) {
    free(r->uris[i]);
  }
  free(r->ports);
  free(r->silence);
  free(r->atom_in);
  free(r->atom_out);
  free(r);
  *pr = NULL;
}

unsigned
lv2run_inputs(const Lv2Run *r)
{
  return r->n_in;
}

unsigned
lv2run_outputs(const Lv2Run *r)
{
  return r->n_out;
}

unsigned
lv2run_sidechains(const Lv2Run *r)
{
  return r->n_sc;
}

static Port *
find(const Lv2Run *r, const char *symbol)
{
  for (uint32_t i = 0; i < r->n_ports; ++i) {
    if ((r->ports[i].kind == KIND_CONTROL_IN || r->ports[i].kind == KIND_CONTROL_OUT) &&
        !strcmp(r->ports[i].symbol, symbol)) {
      return &r->ports[i];
    }
  }
  return NULL;
}

bool
lv2run_set(Lv2Run *r, const char *symbol, float value)
{
  Port *p = find(r, symbol);
  if (!p || p->kind != KIND_CONTROL_IN) {
    return false;
  }
  p->value = value;
  return true;
}

bool
lv2run_get(const Lv2Run *r, const char *symbol, float *value)
{
  const Port *p = find(r, symbol);
  if (!p) {
    return false;
  }
  *value = p->value;
  return true;
}

unsigned
lv2run_control_outputs(const Lv2Run *r)
{
  return r->n_control_out;
}

const char *
lv2run_control_output(const Lv2Run *r, unsigned index, float *value)
{
  unsigned seen = 0;
  for (uint32_t i = 0; i < r->n_ports; ++i) {
    if (r->ports[i].kind == KIND_CONTROL_OUT && seen++ == index) {
      *value = r->ports[i].value;
      return r->ports[i].symbol;
    }
  }
  return NULL;
}

void
lv2run_process(Lv2Run *r, const float *const *in, const float *const *sc, float *const *out,
               uint32_t n)
{
  unsigned a = 0, b = 0, c = 0;
  for (uint32_t i = 0; i < r->n_ports; ++i) {
    if (r->ports[i].kind == KIND_AUDIO_IN) {
      lilv_instance_connect_port(r->instance, i, (void *)(uintptr_t)in[a++]);
    } else if (r->ports[i].kind == KIND_SIDECHAIN) {
      const float *x = sc ? sc[c++] : r->silence;
      lilv_instance_connect_port(r->instance, i, (void *)(uintptr_t)x);
    } else if (r->ports[i].kind == KIND_AUDIO_OUT) {
      lilv_instance_connect_port(r->instance, i, out[b++]);
    }
  }
  /* an empty sequence in, an empty chunk of room out, every cycle */
  r->atom_in->atom.type = map_uri(r, LV2_ATOM__Sequence);
  r->atom_in->atom.size = sizeof(LV2_Atom_Sequence_Body);
  r->atom_in->body.unit = 0;
  r->atom_in->body.pad = 0;
  r->atom_out->atom.type = map_uri(r, LV2_ATOM__Chunk);
  r->atom_out->atom.size = ATOM_CAPACITY;
  lilv_instance_run(r->instance, n);
}
