/**
 * Test support for the policy language, shipped in the language test-jar so that other modules
 * can reuse it: QuickTheories generators of syntax trees ({@link dev.writ.language.testing.AstGenerators})
 * and of source text ({@link dev.writ.language.testing.SourceGenerators}), a helper to write
 * generators of recursive structures ({@link dev.writ.language.testing.Draw}), and the spec's
 * example bundle ({@link dev.writ.language.testing.SpecBundle}).
 */
package dev.writ.language.testing;
