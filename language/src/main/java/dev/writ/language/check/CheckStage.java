package dev.writ.language.check;

/** One named pass of the checker. Stages only add diagnostics and fill the context. */
interface CheckStage {
  String id();

  void run(CheckContext ctx);
}
