/* Channel layouts and their BS.1770 weights. */
#ifndef PS_LAYOUT_H
#define PS_LAYOUT_H

typedef enum {
  PS_ROLE_FRONT = 0,      /* L, R, C, and any front channel: weight 1.0 */
  PS_ROLE_LFE = 1,        /* excluded from the measurement: weight 0 */
  PS_ROLE_SIDE = 2,       /* within 60..120 degrees of front: weight 1.41 */
  PS_ROLE_REAR = 3,       /* behind 120 degrees: weight 1.0 */
} PsChannelRole;

#define PS_MAX_CHANNELS 24

/* Weight of a channel role: BS.1770-5 Table 3 / Annex 3 (1.41 is the
   standard's rounded +1.5 dB). */
float ps_role_weight(PsChannelRole role);

typedef enum {
  PS_LAYOUT_MONO,   /* C */
  PS_LAYOUT_STEREO, /* L R */
  PS_LAYOUT_50,     /* L R C Ls Rs (EBU Tech 3341 case 6 order) */
  PS_LAYOUT_51,     /* L R C LFE Ls Rs (SMPTE / WAV order) */
  PS_LAYOUT_71,     /* L R C LFE Lss Rss Lrs Rrs (SMPTE ST 428-12 order) */
  PS_LAYOUT_DUAL,   /* any count, every channel a front channel */
} PsLayout;

/* Fills roles[0..channels-1]; PS_ERR_CHANNELS when the layout needs another
   count.  PS_LAYOUT_DUAL takes any count up to PS_MAX_CHANNELS. */
int ps_layout_roles(PsLayout layout, unsigned channels, PsChannelRole *roles);

/* The default layout of a channel count: 1 mono, 2 stereo, 5 5.0, 6 5.1,
   8 7.1; other counts are all-front. */
PsLayout ps_layout_default(unsigned channels);

/* Parses "mono", "stereo", "5.0", "5.1", "7.1", "front"; -1 if unknown. */
int ps_layout_parse(const char *name);
const char *ps_layout_name(PsLayout layout);

#endif
