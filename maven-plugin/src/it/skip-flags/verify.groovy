def runs = new File(basedir, 'build.log').text.split(java.util.regex.Pattern.quote('[INFO] Scanning for projects...')).toList().drop(1)
assert runs.size() == 4 : "expected 4 Maven runs in build.log, found ${runs.size()}"
runs.each { assert it.contains('BUILD SUCCESS') }
runs.each { assert !it.contains('P O L I C Y   T E S T S') : 'no run may run the tests' }

// 1: -Dpolicy.skip
def run = runs[0]
assert run.contains('[INFO] Skipping policy:validate (policy.skip=true)')
assert run.contains('[INFO] Skipping policy:test (policy.skip=true)')
assert run.contains('[INFO] Skipping policy:bundle (policy.skip=true)')
assert !run.contains('Checked ')

// 2: -DskipTests: validate and bundle run; a warning alone does not fail the build
run = runs[1]
def policy = 'src/main/policy/access.policy'
assert run.contains("[WARNING] ${policy}:3:7: warning lint.standing-grant: grant `acme.sre_read` has no `ttl`")
assert run.contains('[WARNING]     grant sre_read {')
assert run.contains('[WARNING]           ^^^^^^^^')
assert run.contains("[WARNING] Checked 2 policy files, 2 rules in src/main/policy: 0 errors, 1 warning")
assert run.contains('[INFO] Skipping policy:test (skipTests=true)')
assert run.contains('[WARNING] Bundling despite 1 policy warning (policy:validate shows them).')
assert run.contains('[INFO] Wrote policy bundle ')

// 3: -Dmaven.test.skip=true
run = runs[2]
assert run.contains('[WARNING] Checked 2 policy files, 2 rules in ')
assert run.contains('[INFO] Skipping policy:test (maven.test.skip=true)')

// 4: each goal's own switch
run = runs[3]
assert run.contains('[INFO] Skipping policy:validate (policy.validate.skip=true)')
assert run.contains('[INFO] Skipping policy:test (policy.test.skip=true)')
assert run.contains('[INFO] Skipping policy:bundle (policy.bundle.skip=true)')

assert !new File(basedir, 'target/policy-reports').exists()
assert new File(basedir, 'target/skip-flags-1.0.wbundle').isFile()
return true
