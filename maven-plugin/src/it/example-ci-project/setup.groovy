// Builds this IT from examples/ci-project, so the example users copy is built and tested with
// every build of the plugin and cannot rot. (This folder has no pom.xml of its own.)
import java.nio.file.*

def example = Paths.get(examplesDirectory, 'ci-project').toAbsolutePath().normalize()
assert Files.isRegularFile(example.resolve('pom.xml')) : "no example project at ${example}"
def target = basedir.toPath()
Files.walk(example).withCloseable { paths ->
  paths.filter { p -> !example.relativize(p).toString().startsWith('target') }.each { p ->
    def to = target.resolve(example.relativize(p).toString())
    if (Files.isDirectory(p)) {
      Files.createDirectories(to)
    } else {
      Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING)
    }
  }
}

// The example declares the plugin by its literal version, as a user would; it must be this one.
def pom = new groovy.xml.XmlSlurper().parse(target.resolve('pom.xml').toFile())
def plugin = pom.build.plugins.plugin.find { it.artifactId == 'writ-maven-plugin' }
assert plugin.groupId == 'dev.writ'
assert plugin.version == projectVersion : "examples/ci-project/pom.xml declares writ-maven-plugin ${plugin.version}, but this build is ${projectVersion}: update the example and its README"

// A copy of the suites with one wrong expectation, for the failure the README shows.
def failing = target.resolve('failing-suite')
Files.createDirectories(failing)
Files.copy(target.resolve('src/test/policy/entities.yaml'), failing.resolve('entities.yaml'), StandardCopyOption.REPLACE_EXISTING)
def suite = target.resolve('src/test/policy/prod_access_test.yaml').toFile().text
def broken = suite.replaceFirst(/ttl: 2h( +# the rule's ttl caps)/, 'ttl: 1h$1')
assert broken != suite
failing.resolve('prod_access_test.yaml').toFile().text = broken
return true
