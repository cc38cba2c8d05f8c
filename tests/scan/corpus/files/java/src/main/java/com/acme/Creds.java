    @Bean
package com.acme;
private static final String SECRET_KEY = "IE7w17FEyJku4whnhyo9KOcPg7ycBApSisVoO8JG";
private static final String ACCESS_KEY = "AIPAXDQORTNAQ4634FR3";
        return S3Client.builder().build();
cloud.aws.credentials.access-key=AROAKONFYWLPXX2T3ZSQ
cloud.aws.credentials.secret-key=OOCsVPs1toU5tEJiu1B92MlANn2vUE9X2hvx/ket
        return S3Client.builder().build();
private static final String SECRET_NAME = "prod/Payments/StripeApiKeyForCheckoutSvc";
credentials.secret = ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn
}
    @Bean
BasicSessionCredentials temp = new BasicSessionCredentials(
        "ASIA3D6VE2FPSZ7TTZOB",
        "B89rscqNp+SQS7RElWveztYp/7lp2FFZsO8YZyqB",
        "IQoJb3JpZ2luX2VjEN7//////////9il21CueUYY/0OXB6qom3CFtL7xL4he69Zze75k5+9uKoOxdtFKL6G15HxGer4zQLdWleDvFIN+44lge5IhNBF6OXaT7HsKrvqKXyaBY9bDGzF8Iz6DEPY748Q2BgBgQyDNjnC7OoEZEzokgwFtD4KAhQ/QS7l4wSxx98v6m5sUKabgQTnutMycssMl4erB9wDI1myTXYW2u3ym3lJZky6HmUm9k2cv7yhCC8rBjTp06zsCB+QDtKEaZuqZIdCn/fXVdcICSzxCxdRHCbu+Z7fnWCTxgnSLwwiGXi63rfAzU7ZR2v3+XZSKHBaYFMW4ikQDopo+X/FVCKRIKKqUD+slrAVFkX3LUulPq6U3ZjBH+va4Rz0dtxD93A3Q/AqZ9e1AasFSsHB5nzzU7HBd+PHL8o7+dpqQGMHvIG49oCD0b53lEXKgHidl/ykazO8+OHaiYrCcOfG0hWDrKK2F8NF5NpYLKJ8Wo3FmQ+axY5ZObV/VcYx38S/SE+CJQkzI6z+O4+vrLxPD5UyIGaHblZ+Ts/7/ex21ucvUv71W7JruPJsKQmLUi1vSLpCaXXD9qejJlLgcRrzhWkrsV5s9SZFonmhLA5NGjXqDWN7t3jJQuJxCDlByMZvSkRMjoiSUzljHtMoMyP29j6lHMu4ZqcWwS4cJZ0Q4dfcZlIgwxfH6P+C73W+UqS2aKdYNY2nilDhm9wZZI9cGWjb68pbKRFKR1n6tD/X4B2ZALy7WuluRnIebzO1dwLbg2qXJhL+azJIrdghmVyw=");
private static final String SECRET_KEY = "0aE+P9aS+S/bYXp2qBRGSYDg+G6FlLQZnquoX5fo";
private static final String ACCESS_KEY = "ASIAYJ33LBPDITIWCYS4";
        return S3Client.builder().build();
private static final String SECRET_NAME = "ProductionLedgerServiceTokenEncryptionKe";
