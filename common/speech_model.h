/* The speech detector's combiner, written by bench/speech_fit from the
   features of generated dialogue programmes (tests/dialogue/gen_dialogue,
   every condition, 48 kHz, seeds 13 to 20, 45 s each), with
   SPEECH_FIT_BED_WEIGHT=3 (bench/speech_refit.sh redoes it); the tests use
   seed 21, the bench seeds 12, 21, 31, 41, 51, 61 and 71.  See the README's
   speech detector section.
   Inputs: context features of speech.c's context_inputs(). */
#define SPEECH_MODEL_INPUTS 16
#define SPEECH_MODEL_HIDDEN 8
static const float speech_model_mean[SPEECH_MODEL_INPUTS] = {5.82752f, 10.9886f, 0.274119f, 0.0752744f, -0.826905f, 0.718901f, 3.73981f, 0.18699f, 15.793f, 1.05657f, 1.12862f, 14.6304f, 0.374998f, 1.87738f, 0.479865f, 3.29246f};
static const float speech_model_scale[SPEECH_MODEL_INPUTS] = {7.54884f, 10.8336f, 0.144766f, 0.052848f, 0.683824f, 0.826685f, 3.21484f, 0.277959f, 12.8305f, 1.46921f, 1.86286f, 13.4993f, 0.317457f, 2.20919f, 0.11749f, 4.72262f};
static const float speech_model_hidden[SPEECH_MODEL_HIDDEN][SPEECH_MODEL_INPUTS] = {
  {0.145074f, 0.325235f, -0.50339f, 0.10759f, 0.175282f, 0.845335f, -2.26441f, 0.179492f, -0.238165f, 0.0758122f, -0.304609f, -0.151399f, 0.594664f, 0.128085f, 0.0691794f, 1.00356f},
  {-0.526016f, 0.945951f, 0.265834f, 0.0551864f, -0.378928f, 0.0494742f, -0.515465f, 0.280011f, -1.63228f, 0.0280938f, 0.502514f, -0.0492914f, -0.00515374f, -2.42842f, -0.274953f, -0.336569f},
  {-0.275745f, 1.74103f, -0.40255f, 0.0451501f, -1.01272f, 1.47846f, 0.0107433f, 0.400057f, 0.120801f, -0.107704f, -0.408392f, -0.783109f, -0.533705f, -0.36349f, 0.598054f, 0.0518948f},
  {0.213233f, -0.267266f, 0.0590111f, 0.89738f, 0.442171f, -1.56557f, 0.0232261f, -0.159773f, 0.0918867f, 0.563396f, 0.641911f, -0.149752f, 0.142801f, 0.567184f, 0.0238627f, -0.182877f},
  {-0.51777f, 0.364411f, -0.684309f, 0.015088f, -0.636674f, -3.13613f, 0.173743f, -0.0240852f, 0.128386f, -0.0181185f, 0.531372f, 0.208292f, -0.195918f, 0.0184556f, 0.13191f, -0.0678205f},
  {0.339939f, -0.551417f, 0.297237f, -0.45174f, -0.686681f, -0.0396557f, 1.21308f, -0.26174f, 0.53758f, 0.521483f, -0.3557f, -0.43952f, 0.285336f, 0.377045f, -0.0836956f, 0.23384f},
  {-0.747568f, -0.710668f, -0.439629f, -0.376469f, -4.62943f, -0.303107f, 0.202947f, -0.0204567f, 0.185012f, 0.404054f, 0.392984f, 0.777271f, 0.752717f, -0.367357f, -0.143757f, 0.152846f},
  {-0.0218642f, -0.897657f, 0.25593f, 0.311497f, -0.105381f, 0.909422f, -0.48927f, 0.106197f, 0.907891f, -0.18898f, 0.347393f, 0.260203f, -1.21667f, -1.42427f, 0.277128f, 0.825837f},
};
static const float speech_model_hidden_bias[SPEECH_MODEL_HIDDEN] = {-1.74967f, -1.91968f, 0.631171f, -0.0723281f, -1.21338f, 0.816118f, 3.22425f, -0.168266f};
/* output weights, then the output bias */
static const float speech_model_output[SPEECH_MODEL_HIDDEN + 1] = {-1.79674f, -2.31095f, 2.79352f, 1.68223f, -3.18638f, -3.52064f, 3.94524f, -1.94073f, -4.5235f};
