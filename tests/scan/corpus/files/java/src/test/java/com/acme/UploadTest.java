}
    @Bean
AwsBasicCredentials creds = AwsBasicCredentials.create("ASIADDCLO6ZDMPPF6NTK", "a9cyf2rQmVq9FZ+79Bx0PQwYvRUF0H469Az4ZUxA");
package com.acme;
System.setProperty("aws.secretKey", "17RzmNouSVNWnIv22vQfBEvLemCY4271ZoNziQaR");
System.setProperty("aws.accessKeyId", "ANPAKSOPS4T2I6ETD2BC");
}
}
BasicSessionCredentials temp = new BasicSessionCredentials(
        "ASIA536BXAJPEJXBHZRE",
        "kt0HJ7c/Zc5DbLQyBbF/I4NDBLAEvoV10egt6S9Z",
        "IQoJb3JpZ2luX2VjEEGMaq1/zI076nCuf5eSe1HaIHTYUicCaFQwvk3rZap8Jqh2LwLdrn//zf4pwNFUYRKB01dsN3On/wP+zvUZb7vzJpuRWZNdHSyOkAxQdjhySkW8dqmtMTGfodQV5g38oXlzJdcOOyRO8APN3m5SotfVMULo7bWL5hlSpgWvRuf0et7XQWCjARw7QIi4C4KUn37afOREf5MkPxXBDJej0CvFAilFPN9BLHx+l1oEiQ9X/XQu/6h1aCpJkbnEa8S3Kq2puVwalcl9X1Uq1UT7NhRx57AxdEZicNQqTHEcZ06RkbMOrwadpXZ0KsBVG6UkugvTv6xkjJ5x4ADI1tpLpF3UfJx9+vheU+7xkaszIaUM3+LVidcBTLf0e3R6u1cB7CKjUTdgFShAbdXHk2alW8oKj3gqCGRd1qqI1xMEnL5X2OlBtOQZKe1zMOfN6hSG4WU62t5iDaSjml1OX9vWJYD3J0lhGvOsCQ1lg0dvvF+PYIwunLOe0odEXf6hwwYDvHKL+p88XFNDe5ndIivNyPC0bHvptCIX2axz39FJ1sEu+tWKw8LqCjBo/xnHbwbJMoVJE7kiaxah6A+D/p9WQ/F9ooOTKobYLVJs0oHNIa0c3Nw6ysvj9DNLc0OIcS04Jj4cfc9SQ/S5kVQSFhZ0FPrUogakcc6exzgoDiRo21G8twRwK93sG1eYx2a9D0fZHwB573t0bHb9jupHj8xRaiCxhg8fO9fBUs2mzMSaaZbeoNPPHH8qMdLIsBG5qU1cK17TDRWp1tGQubpZ54ZHh5ZFv+q8XMfnBuJ+oaWT6XOk4BB0xF9q4W/318o0");
    public S3Client s3() {
        return S3Client.builder().build();
String sha = "bd9f9efeb2662e36c9b634ed937ce6d48c92ce06";
cloud.aws.credentials.access-key=ACCAC7VQH7EAE55LOKMN
cloud.aws.credentials.secret-key=cprjeUdemakVB9WAXp+rl4pNvyJOZionGKG+uS2E
public class S3Config {
BasicSessionCredentials temp = new BasicSessionCredentials(
        "ASIAW3QC2BOTVE6Z5DSA",
        "+GdrMJeb9Zv6N67+l0kuQLWXRYD84AwQIPja7T7c",
        "IQoJb3JpZ2luX2VjEELz//////////HyHnSFLwC7qu//L/9DYuNJ3ctd8sUuJG84fk8dyx+sBUux/uvR2yqnzikMtjjHtzGLckatH254j3L5Uqrs8oU+M107Bosbi3Xzg1++lQJnFL3wqWIXNof9rPOiuVHYT3rGcLZdzP7j4rz7/Qz5jv0nZ1D7QNTlxGz6fEA7wHkqeU25054Ld5gJiwF9oHEn+ohuE2a2mjyaIpDDsF3292ojXKzaSbqrC3CnyrKZlFojABxw4H7n0OmMn4RgOGDzt5jl2y38+Au0FXr7cQHJjJCdYvUUym2W8dp7BvDb5//6yQ/xdCWu3rFpdHSUNFAWpyYMSKhDMowgfsVBUwr1GP40QrddIrEQWu2u5ISdVUzSMkIZGJJO3l/8J+aunMugi2CP+KPbDcZws+7zPs3ab8p/VML2qPe/qXJwEjgbFsmQMmFp42ixOyxUA7PbJCsgseMKuH/8277rn4IFvcA45GE=");
import software.amazon.awssdk.auth.credentials.*;
private static final String SECRET_KEY = "xtuTfnjtKm1CnZM92q8qtnkTiKPwZId1W8JNxOyo";
private static final String ACCESS_KEY = "ACCAK7WKKVDQAAB4WY64";
