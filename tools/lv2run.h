/* Hosting one LV2 plugin through lilv for the tool: instantiate it, set and
   read its control ports by symbol, run it over planar buffers. */
#ifndef PS_TOOL_LV2RUN_H
#define PS_TOOL_LV2RUN_H

#include <lilv/lilv.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Lv2Run Lv2Run;

/* Makes a lilv world that finds the suite: LV2_PATH when it is set, else
   this build's plugins folder followed by the install folder. */
LilvWorld *lv2run_world(void);

int lv2run_open(Lv2Run **run, LilvWorld *world, const char *uri, double rate,
                uint32_t max_block, char *err, size_t err_size);
void lv2run_close(Lv2Run **run);

/* Main audio inputs, sidechain inputs (lv2:isSideChain) and outputs. */
unsigned lv2run_inputs(const Lv2Run *run);
unsigned lv2run_sidechains(const Lv2Run *run);
unsigned lv2run_outputs(const Lv2Run *run);

/* Returns false when the plugin has no control port of that symbol. */
bool lv2run_set(Lv2Run *run, const char *symbol, float value);
bool lv2run_get(const Lv2Run *run, const char *symbol, float *value);

/* Output control ports: count, symbol and value of the i-th. */
unsigned lv2run_control_outputs(const Lv2Run *run);
const char *lv2run_control_output(const Lv2Run *run, unsigned i, float *value);

/* Runs n <= max_block frames: in[lv2run_inputs], sc[lv2run_sidechains]
   (NULL: silence) and out[lv2run_outputs], in port order. */
void lv2run_process(Lv2Run *run, const float *const *in, const float *const *sc,
                    float *const *out, uint32_t n);

#endif
