package dev.hyperbundle.interp.backend;

import dev.hyperbundle.testkit.suite.ExchangeSuite;

class InterpExchangeSuiteTest extends ExchangeSuite {
}
