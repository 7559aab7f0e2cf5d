def runs = new File(basedir, 'build.log').text.split(java.util.regex.Pattern.quote('[INFO] Scanning for projects...')).toList().drop(1)
assert runs.size() == 3 : "expected 3 Maven runs in build.log, found ${runs.size()}"
// Maven runs in this folder: the log shows paths relative to it
def policy = 'src/main/policy/access.policy'
def warnOnly = 'warnings-only/access.policy'

// 1: every diagnostic, with file:line:col, the source line, a caret under the span and the hint
def run = runs[0]
assert run.contains("[ERROR] ${policy}:4:13: error name.unknown-type: unknown entity type `Employe`")
assert run.contains('[ERROR]       principal Employe in Team::"sre"')
assert run.contains('[ERROR]                 ^^^^^^^')
assert run.contains('[ERROR]   = hint: did you mean `Employee`?')
assert run.contains("[WARNING] ${policy}:3:7: warning lint.standing-grant: grant `acme.sre_read` has no `ttl`")
assert run.contains('[WARNING]     grant sre_read {')
assert run.contains('[WARNING]           ^^^^^^^^')
assert run.contains("[ERROR] Checked 2 policy files in src/main/policy: 1 error, 1 warning")
assert run.contains("Policy validation failed with 1 error in src/main/policy:")
assert run.contains("  ${policy}:4:13: error name.unknown-type: unknown entity type `Employe`")
assert run.contains('Fix them and run `mvn policy:validate` again.')
assert run.contains('BUILD FAILURE')
assert !run.contains('P O L I C Y   T E S T S') : 'the tests must not run after validate failed'
assert !new File(basedir, 'target/policy-reports').exists()

// 2: failOnWarning
run = runs[1]
assert run.contains("[WARNING] ${warnOnly}:3:7: warning lint.standing-grant:")
assert run.contains("Policy validation failed: 1 warning in warnings-only and failOnWarning is set")
assert run.contains('BUILD FAILURE')

// 3: a directory without .policy files
run = runs[2]
assert run.contains("[WARNING] No .policy files in no-policies: nothing to validate")
assert run.contains('BUILD SUCCESS')
return true
