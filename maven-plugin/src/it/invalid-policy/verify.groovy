def runs = new File(basedir, 'build.log').text.split(java.util.regex.Pattern.quote('[INFO] Scanning for projects...')).toList().drop(1)
assert runs.size() == 4 : "expected 4 Maven runs in build.log, found ${runs.size()}"
def policy = new File(basedir, 'src/main/policy/access.policy').path
def warnOnly = new File(basedir, 'warnings-only/access.policy').path

// 1: every diagnostic, with file:line:col, the source line, a caret under the span and the hint
def run = runs[0]
assert run.contains("[ERROR] ${policy}:4:13: error name.unknown-type: unknown entity type `Employe`")
assert run.contains('[ERROR]       principal Employe in Team::"sre"')
assert run.contains('[ERROR]                 ^^^^^^^')
assert run.contains('[ERROR]   = hint: did you mean `Employee`?')
assert run.contains("[WARNING] ${policy}:3:7: warning lint.standing-grant: grant `acme.sre_read` has no `ttl`")
assert run.contains('[WARNING]     grant sre_read {')
assert run.contains('[WARNING]           ^^^^^^^^')
assert run.contains("[ERROR] Checked 2 policy files in ${new File(basedir, 'src/main/policy')}: 1 error, 1 warning")
assert run.contains("Policy validation failed with 1 error in ${new File(basedir, 'src/main/policy')}:")
assert run.contains("  ${policy}:4:13: error name.unknown-type: unknown entity type `Employe`")
assert run.contains('Fix them and run `mvn policy:validate` again.')
assert run.contains('BUILD FAILURE')
assert !run.contains('P O L I C Y   T E S T S') : 'the tests must not run after validate failed'
assert !new File(basedir, 'target/policy-reports').exists()

// 2: warnings alone do not fail the build
run = runs[1]
assert run.contains("[WARNING] ${warnOnly}:3:7: warning lint.standing-grant:")
assert run.contains("[WARNING] Checked 2 policy files, 1 rule in ${new File(basedir, 'warnings-only')}: 0 errors, 1 warning")
assert run.contains('BUILD SUCCESS')

// 3: unless failOnWarning is set
run = runs[2]
assert run.contains("[WARNING] ${warnOnly}:3:7: warning lint.standing-grant:")
assert run.contains("Policy validation failed: 1 warning in ${new File(basedir, 'warnings-only')} and failOnWarning is set")
assert run.contains('BUILD FAILURE')

// 4: a directory without .policy files
run = runs[3]
assert run.contains("[WARNING] No .policy files in ${new File(basedir, 'no-policies')}: nothing to validate")
assert run.contains('BUILD SUCCESS')
return true
