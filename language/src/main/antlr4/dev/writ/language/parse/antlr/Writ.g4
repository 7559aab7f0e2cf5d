/*
 * Grammar of Writ's .policy language (docs/language.md). The parse tree is only an intermediate:
 * AstBuilder turns it into the immutable syntax tree in dev.writ.language.ast.
 *
 * Newlines carry no meaning: a clause ends where the next clause keyword begins. This works
 * because no expression can continue with a clause keyword (see the `primary` rule).
 */
grammar Writ;

// The package, when there is one, is the first declaration (AstBuilder checks that). It is not
// a separate optional element: `packageDecl? declaration*` would be ambiguous, and a syntax
// error right after the package would then make the parser give up on the whole file.
policyFile : declaration* EOF ;

packageDecl : PACKAGE qualifiedName SEMI? ;
qualifiedName : name (DOT name)* ;

declaration
  : entityDecl
  | actionGroupDecl
  | actionDecl
  | intentDecl
  | ruleDecl
  | packageDecl   // only valid first in a file (AstBuilder says so otherwise)
  ;

// ---- schema ----------------------------------------------------------------------------
entityDecl : entityKind IDENT (IN LBRACKET typeNameList? RBRACKET)? (LBRACE attrDecls? RBRACE)? (TAGS typeExpr)? ;
entityKind : HUMAN | MACHINE | AGENT | RESOURCE | GROUP ;
typeNameList : IDENT (COMMA IDENT)* ;
attrDecls : attrDecl (COMMA attrDecl)* COMMA? ;
attrDecl : name QUESTION? COLON typeExpr ;
typeExpr
  : STRING_TYPE | INT_TYPE | BOOL_TYPE | DURATION_TYPE | TIME_TYPE
  | SET_TYPE LT typeExpr GT
  | LBRACE attrDecls? RBRACE   // a record: `{port: Int, tls?: Bool}`
  | IDENT
  ;

actionGroupDecl : ACTION GROUP STRING ASSIGN LBRACKET stringList? RBRACKET ;
actionDecl : ACTION stringList (ON typeNameList)? ;
stringList : STRING (COMMA STRING)* ;

// ---- intents ---------------------------------------------------------------------------
intentDecl : INTENT IDENT LBRACE intentClause* RBRACE ;
intentClause
  : DESCRIPTION STRING                                     # intentDescription
  | PARAM name QUESTION? COLON typeExpr (MATCHES STRING)?  # intentParam
  | ALLOW stringList (ON selector)? (WHEN expr)?           # intentAllow
  | MAX DURATION                                           # intentMax
  | ON DRIFT driftMode=(DENY | REVOKE)                     # intentDrift
  ;

// ---- rules -----------------------------------------------------------------------------
ruleDecl : effect=(GRANT | FORBID) IDENT LBRACE ruleClause* RBRACE ;
ruleClause
  : PRINCIPAL selector                            # principalClause
  | ACTION stringList                             # actionClause
  | RESOURCE selector (WHEN expr)?                # resourceClause
  | INTENT IDENT (COMMA IDENT)*                   # intentRefClause
  | WHEN expr                                     # whenClause
  | UNLESS expr                                   # unlessClause
  | TTL DURATION                                  # ttlClause
  | APPROVAL (INT OF)? entityRef (WHERE expr)?    # approvalClause
  | DELEGATE kind (COMMA kind)* DEPTH INT         # delegateClause
  | OBLIGATION name STRING?                       # obligationClause
  | DESCRIPTION STRING                            # descriptionClause
  | OWNER STRING                                  # ownerClause
  | CONTROLS stringList                           # controlsClause
  | REASON STRING                                 # reasonClause
  | STANDING STRING                               # standingClause
  ;

selector : selectorAlt (COMMA selectorAlt)* ;
selectorAlt : DELEGATED? selectorTarget (IN entityRef)? ;
selectorTarget : kind | entityRef | IDENT ;
kind : HUMAN | MACHINE | AGENT | ANY ;
entityRef : IDENT COLONCOLON STRING ;

// ---- expressions, loosest first --------------------------------------------------------
// `if` is the loosest form (as in Cedar): inside `&&`, `+`, ... it needs parentheses.
expr : IF expr THEN expr ELSE expr | orExpr ;
orExpr : andExpr (OR andExpr)* ;
andExpr : notExpr (AND notExpr)* ;
notExpr : NOT notExpr | relExpr ;
relExpr
  : addExpr ( op=(EQ | NE | LT | LE | GT | GE) addExpr
            | IN addExpr
            | LIKE STRING
            | MATCHES STRING
            | HAS (name (DOT name)* | STRING)
            | IS IDENT (IN addExpr)?
            )?
  ;
addExpr : mulExpr (addOp=(PLUS | MINUS) mulExpr)* ;
mulExpr : unaryExpr (STAR unaryExpr)* ;
unaryExpr : MINUS unaryExpr | postfixExpr ;
postfixExpr : primary postfixOp* ;
postfixOp
  : DOT name LPAREN exprList? RPAREN     # methodCall
  | DOT name                             # attrAccess
  | LBRACKET STRING RBRACKET             # indexAccess
  ;
primary
  : TRUE                                 # trueLit
  | FALSE                                # falseLit
  | INT                                  # intLit
  | STRING                               # stringLit
  | DURATION                             # durationLit
  | entityRef                            # entityLit
  | var=(PRINCIPAL | RESOURCE | ACTION | CONTEXT | INTENT | DELEGATION | REQUEST) # variable
  | IDENT LPAREN exprList? RPAREN        # functionCall
  | IDENT                                # bareIdent
  | LBRACKET exprList? RBRACKET          # setLit
  | LBRACE recordEntries? RBRACE         # recordLit
  | LPAREN expr RPAREN                   # parens
  ;
exprList : expr (COMMA expr)* COMMA? ;
recordEntries : recordEntry (COMMA recordEntry)* COMMA? ;
recordEntry : (name | STRING) COLON expr ;

// Where a name is expected, any identifier is allowed, keyword or not.
name
  : IDENT
  | PACKAGE | ACTION | GROUP | INTENT | GRANT | FORBID | PRINCIPAL | RESOURCE | CONTEXT
  | DELEGATION | REQUEST | WHEN | UNLESS | WHERE | TTL | APPROVAL | OF | DELEGATE | DEPTH
  | OBLIGATION | DESCRIPTION | OWNER | CONTROLS | REASON | STANDING | DELEGATED | PARAM | ALLOW | MAX | ON | DRIFT
  | DENY | REVOKE | HUMAN | MACHINE | AGENT | ANY | IN | HAS | LIKE | MATCHES | TRUE | FALSE
  | IS | IF | THEN | ELSE | TAGS
  | STRING_TYPE | INT_TYPE | BOOL_TYPE | DURATION_TYPE | TIME_TYPE | SET_TYPE
  ;

// ---- lexer -----------------------------------------------------------------------------
PACKAGE : 'package' ;
ACTION : 'action' ;
GROUP : 'group' ;
INTENT : 'intent' ;
GRANT : 'grant' ;
FORBID : 'forbid' ;
PRINCIPAL : 'principal' ;
RESOURCE : 'resource' ;
CONTEXT : 'context' ;
DELEGATION : 'delegation' ;
REQUEST : 'request' ;
WHEN : 'when' ;
UNLESS : 'unless' ;
WHERE : 'where' ;
TTL : 'ttl' ;
APPROVAL : 'approval' ;
OF : 'of' ;
DELEGATE : 'delegate' ;
DEPTH : 'depth' ;
OBLIGATION : 'obligation' ;
DESCRIPTION : 'description' ;
OWNER : 'owner' ;
CONTROLS : 'controls' ;
REASON : 'reason' ;
STANDING : 'standing' ;
DELEGATED : 'delegated' ;
PARAM : 'param' ;
ALLOW : 'allow' ;
MAX : 'max' ;
ON : 'on' ;
DRIFT : 'drift' ;
DENY : 'deny' ;
REVOKE : 'revoke' ;
HUMAN : 'human' ;
MACHINE : 'machine' ;
AGENT : 'agent' ;
ANY : 'any' ;
IN : 'in' ;
HAS : 'has' ;
LIKE : 'like' ;
MATCHES : 'matches' ;
IS : 'is' ;
TAGS : 'tags' ;
IF : 'if' ;
THEN : 'then' ;
ELSE : 'else' ;
TRUE : 'true' ;
FALSE : 'false' ;
STRING_TYPE : 'String' ;
INT_TYPE : 'Int' ;
BOOL_TYPE : 'Bool' ;
DURATION_TYPE : 'Duration' ;
TIME_TYPE : 'Time' ;
SET_TYPE : 'Set' ;

COLONCOLON : '::' ;
COLON : ':' ;
SEMI : ';' ;
COMMA : ',' ;
DOT : '.' ;
QUESTION : '?' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACKET : '[' ;
RBRACKET : ']' ;
LBRACE : '{' ;
RBRACE : '}' ;
EQ : '==' ;
NE : '!=' ;
LE : '<=' ;
GE : '>=' ;
LT : '<' ;
GT : '>' ;
ASSIGN : '=' ;
AND : '&&' ;
OR : '||' ;
NOT : '!' ;
PLUS : '+' ;
MINUS : '-' ;
STAR : '*' ;

// A duration is digits and a unit, repeated (`1h30m`). Unit order, repeats, leading zeros and
// unknown units (`15min`, `2hours`: digits run into a word) are checked by AstBuilder so that
// the message can say what is wrong, instead of the word being taken for the next token.
DURATION : [0-9]+ [A-Za-z_] [A-Za-z0-9_]* ;
INT : [0-9]+ ;
IDENT : [A-Za-z_] [A-Za-z0-9_]* ;
STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"' ;
// Recognised so that the parser can report them precisely instead of as stray characters.
UNTERMINATED_STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* ;

LINE_COMMENT : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
UNTERMINATED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* EOF ;
WS : [ \t\r\n\f]+ -> skip ;
ERROR_CHAR : . ;
