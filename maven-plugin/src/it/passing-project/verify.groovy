import dev.writ.engine.bundle.BundleReader

def runs = new File(basedir, 'build.log').text.split(java.util.regex.Pattern.quote('[INFO] Scanning for projects...')).toList().drop(1)
assert runs.size() == 2 : "expected 2 Maven runs in build.log, found ${runs.size()}"
def bundle = new File(basedir, 'target/passing-project-1.0.wbundle')

// 1: mvn install runs the three goals at their phases, in order
def run = runs[0]
def validate = run.indexOf(':validate (default) @ passing-project ---')
def test = run.indexOf(':test (default) @ passing-project ---')
def pack = run.indexOf(':bundle (default) @ passing-project ---')
def install = run.indexOf('maven-install-plugin:3.2.0:install (default-install) @ passing-project ---')
assert 0 < validate && validate < test && test < pack && pack < install
assert run.contains('[INFO] Checked 2 policy files, 2 rules in src/main/policy: no problems')
assert run.contains('[INFO]  P O L I C Y   T E S T S')
assert run.contains('[INFO] suite database access (src/test/policy/access_test.yaml): 4 passed, 0 failed, ')
assert run.contains('[INFO] policy tests: 4 passed, 0 failed')
assert run.contains('[INFO] Reports: target/policy-reports')
assert run.contains('[INFO] rule coverage: 2 of 2 rules seen both applying and not applying (100.0%)')
assert run.contains('[INFO] Wrote policy bundle target/passing-project-1.0.wbundle')
assert run.contains("[INFO]   2 rules from 2 files, revision 1.0, ${bundle.length()} bytes, unsigned")
def sha = java.security.MessageDigest.getInstance('SHA-256').digest(bundle.bytes).encodeHex().toString()
assert run.contains("[INFO]   sha256:${sha}")
assert run.contains('[INFO]   attached as it.writ:passing-project:wbundle:1.0, published by install and deploy')
assert run.contains('BUILD SUCCESS')

// the JUnit XML report
def report = new groovy.xml.XmlSlurper().parse(new File(basedir, 'target/policy-reports/TEST-policy.access_test.xml'))
assert report.@name == 'policy.access_test'
assert report.@tests == '4' && report.@failures == '0' && report.@errors == '0' && report.@skipped == '0'
assert report.testcase.size() == 4
assert report.testcase*.@name*.toString().contains('SRE reads prod with MFA')
assert report.testcase.every { it.@classname == 'policy.access_test' && it.failure.size() == 0 }

// the bundle reads back with the engine: manifest, rules, no signature
def loaded = new BundleReader(Optional.empty()).read(bundle.toPath())
assert loaded.manifest().revision() == '1.0'
assert loaded.manifest().rules() == ['acme.sre_read', 'acme.no_prod_writes']
assert loaded.manifest().sources().keySet() as List == ['access.policy', 'schema.policy']
assert !loaded.signed()

// install published it to the local repository, next to the POM
def installed = new File(localRepositoryPath, 'it/writ/passing-project/1.0/passing-project-1.0.wbundle')
assert installed.isFile() : "install did not publish ${installed}"
assert installed.bytes == bundle.bytes

// 2: mvn policy:help
run = runs[1]
['policy:bundle', 'policy:help', 'policy:test', 'policy:validate'].each { assert run.contains(it) }
assert run.contains('BUILD SUCCESS')
return true
