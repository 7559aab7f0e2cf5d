package dev.writ.engine.bundle;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a bundle says about itself, stored as JSON ahead of the plan so that it can be read
 * without decoding the plan (docs/bundle-format.md, "Manifest").
 *
 * @param format        the format version, equal to the one in the header
 * @param revision      the policy revision the bundle was built as (the project version by default)
 * @param created       when the bundle was written
 * @param writer        the engine that wrote it, {@code writ-engine <version>}
 * @param sources       every policy file, by path relative to the policy directory ({@code /}
 *                      separated), with the {@code sha256:} digest of its text as UTF-8
 * @param rules         the full names of the rules, in bundle order
 * @param schemaDigest  the {@code sha256:} digest of the schema's JSON form in the plan: bundles with
 *                      equal schema digests accept the same entity data
 * @param planDigest    the {@code sha256:} digest of the uncompressed plan JSON: bundles compiled
 *                      from the same policies by the same engine have the same plan digest, whatever
 *                      their revision, time or signature
 */
public record BundleManifest(int format, String revision, Instant created, String writer,
                             SortedMap<String, String> sources, List<String> rules, String schemaDigest,
                             String planDigest) {
  public BundleManifest {
    sources = Collections.unmodifiableSortedMap(new TreeMap<>(sources));
    rules = List.copyOf(rules);
  }
}
