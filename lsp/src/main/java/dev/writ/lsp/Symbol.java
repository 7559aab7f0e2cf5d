package dev.writ.lsp;

/**
 * A named thing of a bundle that can be declared and referred to. Names are as the language
 * resolves them: entity types, intents, actions and groups by their bundle-wide name, an
 * attribute as {@code Type.attr}, an intent parameter as {@code intent.param}, a rule by its
 * full name ({@code package.rule}).
 */
record Symbol(Kind kind, String name) {
  enum Kind { ENTITY_TYPE, ATTRIBUTE, INTENT, PARAMETER, ACTION, ACTION_GROUP, RULE }
}
