def runs = new File(basedir, 'build.log').text.split(java.util.regex.Pattern.quote('[INFO] Scanning for projects...')).toList().drop(1)
assert runs.size() == 3 : "expected 3 Maven runs in build.log, found ${runs.size()}"

// 1: mvn verify validates, tests and bundles
def run = runs[0]
assert run.contains('[INFO] Checked 3 policy files, 2 rules in ')
assert run.contains('[INFO] policy tests: 8 passed, 0 failed')
assert run.contains('[INFO] rule coverage: 2 of 2 rules seen both applying and not applying (100.0%)')
assert run.contains('[INFO] Rule coverage 100.0% meets the minimum of 80.0%.')
assert run.contains('[INFO] Wrote policy bundle ')
assert run.contains('BUILD SUCCESS')
assert new File(basedir, 'target/ci-project-1.0.0-SNAPSHOT.wbundle').isFile()
assert new File(basedir, 'target/policy-reports/TEST-policy.prod_access_test.xml').isFile()

// 2: mvn policy:test
run = runs[1]
assert run.contains('--- writ-maven-plugin:') && run.contains(':test (default-cli) @ ci-project ---')
assert run.contains('[INFO] policy tests: 8 passed, 0 failed')
assert run.contains('BUILD SUCCESS')

// 3: a failing case, as the README shows it
run = runs[2]
assert run.contains('[ERROR] FAILED case "SRE reads prod orders during an incident" (')
assert run.contains('[ERROR]   ttl: expected 1h, got 2h')
assert run.contains('[ERROR]   rerun it alone: mvn policy:test -Dpolicy.test="SRE reads prod orders during an incident"')
assert run.contains('There are policy test failures: 1 failure, 0 errors, 7 passed of 8 tests.')
assert run.contains('Rerun one case: mvn policy:test -Dpolicy.test="SRE reads prod orders during an incident"')
assert run.contains('BUILD FAILURE')
return true
