package dev.slabprune.engine;

/**
 * The loops of Vector API code of the parameter pass, each called through {@link #run}: one virtual
 * call site that sees every loop's class, so the JIT never inlines one loop into a compilation that
 * holds another's. Each loop is then compiled on its own, small enough to be compiled whole.
 *
 * <p>Why: C2 inlines into a compilation until it has created about 18,000 nodes (HotSpot's
 * NodeCountInliningCutoff, not settable in product builds); past that point it defers every
 * remaining Vector API call of the loop it is in (they are {@code @ForceInline}) to a later phase,
 * and whether such a deferred call is still compiled as a vector instruction varies from one JVM to
 * the next. A deferred {@code intoArray} that finds its vector's class not yet exact reads the
 * species from the vector's class at run time, the store stays a call on a boxed vector ("missing
 * constant: vclass=DecodeN"), and the pass allocates tens of MB per step for the rest of the JVM's
 * life. Every JVM's compilations of a pass that called its loops directly crossed that limit: Adam
 * over mu, rho and v written out in one loop (97 vector intrinsics), the draw with both exp loops
 * inlined, and a chunk with the noise's two uniforms loops inlined; one loop alone holds at most
 * about 40 intrinsics and stays under it (bench/README.md).
 */
enum PassLoop {
  ADAM {
    @Override
    void run(Frame f) {
      f.layer.adamLanes(f.c, f.t0, f.t0 + f.n, f.draw ? f.s : null, f.grad, f.g0);
    }
  },
  CLAMPED_ARGUMENTS {
    @Override
    void run(Frame f) {
      SlabLayer.clampedArguments(f.layer.rho, f.layer.v, f.t0, f.n, f.s);
    }
  },
  EXP_RHO {
    @Override
    void run(Frame f) {
      FloatMath.exp(f.s.er, 0, f.n);
    }
  },
  EXP_MINUS_V {
    @Override
    void run(Frame f) {
      FloatMath.exp(f.s.ev, 0, f.n);
    }
  },
  SOFTPLUS_SERIES {
    @Override
    void run(Frame f) {
      f.big = SlabLayer.softplusSeries(f.layer.rho, f.t0, f.n, f.s);
    }
  },
  ONE_PLUS {
    @Override
    void run(Frame f) {
      SlabLayer.onePlus(f.n, f.s);
    }
  },
  LOG_BIG {
    @Override
    void run(Frame f) {
      FloatMath.log(f.s.big, 0, f.n);
    }
  },
  SOFTPLUS_LOG {
    @Override
    void run(Frame f) {
      SlabLayer.softplusLog(f.layer.rho, f.t0, f.n, f.s);
    }
  },
  LOG_OF_SIGMA {
    @Override
    void run(Frame f) {
      SlabLayer.logOfSigma(f.n, f.s);
    }
  },
  ODDS_ARGUMENTS {
    @Override
    void run(Frame f) {
      SlabLayer.oddsArguments(f.n, f.q, f.s);
    }
  },
  LOG_SLOPE {
    @Override
    void run(Frame f) {
      FloatMath.log(f.s.slope, 0, f.n);
    }
  },
  LOGIT_OVER_TAU {
    @Override
    void run(Frame f) {
      SlabLayer.logitOverTau(f.n, f.s, f.c.invTau);
    }
  },
  EXP_SLOPE {
    @Override
    void run(Frame f) {
      FloatMath.exp(f.s.slope, 0, f.n);
    }
  },
  RELAXED_SLOPE {
    @Override
    void run(Frame f) {
      SlabLayer.relaxedSlope(f.n, f.s, f.c.invTau);
    }
  },
  SAMPLE {
    @Override
    void run(Frame f) {
      f.layer.sampleLanes(f.c.halfTau, f.t0, f.n, f.q, f.s);
    }
  },
  KL {
    @Override
    void run(Frame f) {
      f.layer.klLanes(f.c, f.t0, f.n, f.s);
    }
  },
  UNIFORM_GATES {
    @Override
    void run(Frame f) {
      NoiseBlocks.uniforms(f.u, f.padded, 0, f.k0, f.k1);
    }
  },
  UNIFORM_RADII {
    @Override
    void run(Frame f) {
      NoiseBlocks.uniforms(f.spare, f.half, 1, f.k0, f.k1);
    }
  },
  LOG_RADII {
    @Override
    void run(Frame f) {
      FloatMath.log(f.spare, 0, f.half);
    }
  },
  RADII {
    @Override
    void run(Frame f) {
      NoiseBlocks.radii(f.spare, f.half);
    }
  },
  UNIFORM_TURNS {
    @Override
    void run(Frame f) {
      NoiseBlocks.uniforms(f.e, f.half, 2, f.k0, f.k1);
    }
  },
  COS_SIN {
    @Override
    void run(Frame f) {
      FloatMath.cosSinOfTurn(f.e, f.spare, f.e, f.half);
    }
  };

  abstract void run(Frame f);

  /**
   * A plain array, not a constant to the JIT: the loop is read from it, so the call in {@link #run}
   * has no known receiver class and, seeing them all, is never inlined.
   */
  private static final PassLoop[] LOOPS = values();

  /** Runs {@code loop} on the arguments in {@code f}. */
  static void run(PassLoop loop, Frame f) {
    LOOPS[loop.ordinal()].run(f);
  }

  /** The arguments of the loops, set by the caller before {@link #run}; one per thread. */
  static final class Frame {
    SlabLayer layer;
    SlabLayer.Constants c;
    SlabLayer.Scratch s;

    /** The tile's first parameter, its length and where its noise starts in the chunk's block. */
    int t0;

    int n;
    int q;

    /** Where Adam reads the gradient: parameter i's is {@code grad[i - g0]}. */
    float[] grad;

    int g0;

    /** Whether Adam also writes the clamped arguments of the draw that follows it. */
    boolean draw;

    /** {@link #SOFTPLUS_SERIES}'s result: some parameters need the logs. */
    boolean big;

    /** A noise block: its uniforms, normals, work buffer, lengths and key halves. */
    float[] u;

    float[] e;
    float[] spare;
    int padded;
    int half;
    int k0;
    int k1;
  }
}
