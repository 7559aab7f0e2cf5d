// One Maven run per invocation in invoker.properties, all in one build.log.
def runs = new File(basedir, 'build.log').text.split(java.util.regex.Pattern.quote('[INFO] Scanning for projects...')).toList().drop(1)
assert runs.size() == 4 : "expected 4 Maven runs in build.log, found ${runs.size()}"

// 1: verify fails; the log names the case, shows expected against actual, the explanation and the rerun command
def run = runs[0]
assert run.contains('[ERROR] FAILED case "SRE reads prod with MFA" (src/test/policy/access_test.yaml:8)')
assert run.contains('[ERROR]   ttl: expected 1h, got 2h')
assert run.contains('[ERROR]   explanation:')
assert run.contains('[ERROR]   rerun it alone: mvn policy:test -Dpolicy.test="SRE reads prod with MFA"')
assert run.contains('[ERROR] policy tests: 2 passed, 1 failed')
assert run.contains('There are policy test failures: 1 failure, 0 errors, 2 passed of 3 tests.')
assert run.contains('  FAILED case "SRE reads prod with MFA" (src/test/policy/access_test.yaml:8): ttl: expected 1h, got 2h')
assert run.contains('Please refer to target/policy-reports for the individual test results.')
assert run.contains('Rerun one case: mvn policy:test -Dpolicy.test="SRE reads prod with MFA"')
assert run.contains('BUILD FAILURE')
assert !run.contains('at dev.writ.') : 'no stack trace'

// 2: the rerun command runs that one case
run = runs[1]
assert run.contains('[ERROR] policy tests: 0 passed, 1 failed')
assert run.contains('There are policy test failures: 1 failure, 0 errors, 0 passed of 1 test.')
assert !run.contains('SRE without MFA')
assert run.contains('BUILD FAILURE')

// 3: maven.test.failure.ignore reports the failure and goes on
run = runs[2]
assert run.contains('There are policy test failures: 1 failure')
assert run.contains('[ERROR] The build goes on: maven.test.failure.ignore is set.')
assert run.contains('BUILD SUCCESS')

// 4: a filter that matches nothing
run = runs[3]
assert run.contains('No policy tests matching pattern "no-such-case" were executed in ')
assert run.contains('(Set -Dpolicy.failIfNoSpecifiedTests=false to ignore this error.)')
assert run.contains('BUILD FAILURE')

// The JUnit XML report of the full run
def report = new File(basedir, 'target/policy-reports/TEST-policy.access_test.xml')
assert report.isFile()
def suite = new groovy.xml.XmlSlurper().parse(report)
assert suite.@name == 'policy.access_test'
assert suite.@tests == '3'
assert suite.@failures == '1'
assert suite.@errors == '0'
def failed = suite.testcase.find { it.@name == 'SRE reads prod with MFA' }
assert failed.failure.@message == 'ttl: expected 1h, got 2h'
assert suite.testcase.findAll { it.failure.size() == 0 }*.@name*.toString().sort() == ['SRE without MFA is denied', 'nobody updates prod']
return true
