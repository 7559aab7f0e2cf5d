def log = new File(basedir, 'build.log').text
assert log.contains('BUILD SUCCESS')

// both policy modules: validated, tested, bundled and installed
[['access-policies', 4], ['ops-policies', 3]].each { module, cases ->
  def dir = new File(basedir, module)
  // Maven runs at the root: paths in the log are relative to it, and name the module
  assert log.contains(" in ${module}/src/main/policy: no problems")
  assert log.contains("[INFO] Wrote policy bundle ${module}/target/${module}-1.0.wbundle")
  assert log.contains("[INFO] policy tests: ${cases} passed, 0 failed")
  assert new File(dir, 'target/policy-reports').listFiles().any { it.name.startsWith('TEST-policy.') }
  def bundle = new File(dir, "target/${module}-1.0.wbundle")
  assert bundle.isFile()
  def installed = new File(localRepositoryPath, "it/writ/multi/${module}/1.0/${module}-1.0.wbundle")
  assert installed.isFile() : "install did not publish ${installed}"
  assert installed.bytes == bundle.bytes
}

// the module without policies skips with info lines and attaches nothing
def service = new File(basedir, 'service')
assert log.contains('[INFO] No policy directory service/src/main/policy: nothing to validate')
assert log.contains('[INFO] No policy directory service/src/main/policy: nothing to bundle')
assert log.contains('[INFO] No policy tests to run.')
assert !new File(service, 'target').exists() || !new File(service, 'target').listFiles().any { it.name.endsWith('.wbundle') }
assert !new File(localRepositoryPath, 'it/writ/multi/service/1.0/service-1.0.wbundle').exists()
return true
