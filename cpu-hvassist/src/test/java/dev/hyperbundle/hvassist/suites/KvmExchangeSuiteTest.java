package dev.hyperbundle.hvassist.suites;

import dev.hyperbundle.testkit.suite.ExchangeSuite;

class KvmExchangeSuiteTest extends ExchangeSuite {
}
